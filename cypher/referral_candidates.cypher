// name: referral_candidates
// description: The best $limit candidates for each gap (of $mentee and/or $area when given), ranked by hops, score, room left and id, with the interests they share; the rows of `mentornet refer` without paths.
// parameters: $cutoff (ISO date: last_met on or after it, or none, counts as active), $concordance (map: identity attribute -> lower-case values that make concordance a need), $attrs (identity attribute names), $default_capacity (integer), $max_hops (integer), $limit (candidates per gap), $mentee (a person id, or null for everyone), $area (research, career, identity:<attr>, or null for every area), $part and $parts (only the mentees whose id code points sum to $part modulo $parts: mentornet runs the parts in parallel sessions; 0 and 1 for everyone)
// columns: mentee_id, area, rank, candidate_id, hops, score, candidate_name, shares, remaining
// kind: read
// people with room for a mentee: mentor-eligible, accepting, remaining capacity > 0
// (`c IN eligible` below is a hash lookup: Neo4j caches a set for a list tested many times)
CALL () {
  MATCH (c:Person)
  WHERE c.role IN ['faculty', 'alumni', 'external'] AND c.accepting = true
    AND coalesce(c.capacity, $default_capacity)
        > COUNT { MATCH (c)-[r:MENTORS]->(t:Person)
                  WHERE r.status = 'active' AND (r.last_met IS NULL OR r.last_met >= $cutoff)
                  RETURN DISTINCT t }
  RETURN collect(c) AS eligible, collect(CASE WHEN size(coalesce(c.leadership, [])) > 0 THEN c END) AS leaders
}
MATCH (m:Person)
WHERE m.mentee = true AND ($mentee IS NULL OR m.id = $mentee)
  AND reduce(s = 0, c IN m.id_codepoints | s + c) % $parts = $part
WITH eligible, leaders, m, [(mentor:Person)-[r:MENTORS]->(m)
         WHERE r.status = 'active' AND (r.last_met IS NULL OR r.last_met >= $cutoff)
         | {mentor: mentor, focus: coalesce(r.focus, [])}] AS active
WITH eligible, leaders, m, active,
     reduce(seen = [], x IN active | CASE WHEN x.mentor IN seen THEN seen ELSE seen + x.mentor END) AS mentors
WITH eligible, leaders, m, mentors,
     [area IN ['research', 'career'] WHERE NOT any(x IN active WHERE area IN x.focus)] +
     [attr IN $attrs
      WHERE coalesce(toLower(m['identity.' + attr]), '') <> ''
        AND (attr IN coalesce(m.seeks_concordance, [])
             OR toLower(m['identity.' + attr]) IN coalesce($concordance[attr], []))
        AND NOT any(x IN mentors WHERE coalesce(toLower(x['identity.' + attr]), '') = toLower(m['identity.' + attr]))
      | 'identity:' + attr] AS needs
WITH eligible, leaders, m, mentors, [area IN needs WHERE $area IS NULL OR area = $area] AS gaps
WHERE size(gaps) > 0
// whether a leader of the same department is in conflict
WITH eligible, leaders, m, mentors, gaps,
     m.research_lower AS m_research, m.career_lower AS m_career,
     CASE WHEN m.role IN ['student', 'resident', 'fellow'] THEN coalesce(toLower(m.department), '') ELSE '' END
       AS conflict_department
// breadth-first, one layer per hop (in an undirected graph a node new at hop h is a neighbour of
// layer h-1 that is in neither layer h-1 nor h-2); stops once every gap has $limit candidates,
// since candidates further away always rank lower. The last hop keeps only eligible people: it is
// never expanded further. Each layer's suited candidates are gathered by a COLLECT subquery.
WITH m, gaps, m_research, m_career, eligible, leaders, mentors, conflict_department,
     reduce(st = {prev: [], frontier: [m], hits: [], done: false}, hop IN range(1, $max_hops) |
       CASE WHEN st.done THEN st ELSE
       [open IN [[area IN gaps WHERE size([h IN st.hits WHERE h.area = area]) < $limit]] |
       [layer IN [COLLECT { UNWIND st.frontier AS x
                            MATCH (x)--(y:Person)
                            WHERE (hop < $max_hops OR (y IN eligible AND NOT y IN mentors))
                              AND NOT y IN st.frontier AND NOT y IN st.prev
                            RETURN DISTINCT y }] |
        [hits IN [st.hits + COLLECT {
                   UNWIND layer AS c
                   WITH c
                   WHERE c IN eligible AND NOT c IN mentors
                     AND NOT (c IN leaders AND conflict_department <> ''
                              AND coalesce(toLower(c.department), '') = conflict_department)
                   // each list property is read once per candidate, and only when an open gap needs it
                   WITH c,
                        CASE WHEN any(area IN open WHERE area <> 'career') THEN c.research_lower END AS c_research,
                        CASE WHEN 'career' IN open THEN c.career_lower END AS c_career
                   UNWIND open AS area
                   WITH c, area,
                        CASE area WHEN 'career' THEN [m_career, c_career] ELSE [m_research, c_research] END AS x
                   WHERE CASE WHEN area STARTS WITH 'identity:'
                                THEN coalesce(toLower(c['identity.' + substring(area, 9)]), '')
                                     = toLower(m['identity.' + substring(area, 9)])
                              WHEN size(x[0]) > 0 THEN any(t IN x[1] WHERE t IN x[0])
                              ELSE size(x[1]) > 0 END
                   WITH c, area, x, [t IN x[0] WHERE t IN x[1]] AS shares
                   RETURN {area: area, c: c, hops: hop, shares: shares,
                           score: CASE WHEN size(x[0]) = 0 THEN 0.0
                                  ELSE toFloat(size(shares)) / (size(x[0]) + size(x[1]) - size(shares)) END}
                 }] |
         {prev: st.frontier, frontier: layer,
          hits: hits,
          done: size(layer) = 0 OR all(area IN gaps WHERE size([h IN hits WHERE h.area = area]) >= $limit)}][0]
       ][0]][0]
       END) AS st
// rank: hops and score first; room left is counted only for the hits that can still make the top $limit
CALL (m, st) {
  UNWIND st.hits AS hit
  WITH hit ORDER BY hit.area, hit.hops, hit.score DESC
  WITH hit.area AS area, collect(hit) AS sorted
  WITH area, sorted, sorted[$limit - 1] AS last
  UNWIND sorted AS hit
  WITH area, hit, hit.c AS c
  WHERE last IS NULL OR hit.hops < last.hops OR (hit.hops = last.hops AND hit.score >= last.score)
  WITH area, hit, coalesce(c.capacity, $default_capacity)
            - COUNT { MATCH (c)-[r:MENTORS]->(t:Person)
                      WHERE r.status = 'active' AND (r.last_met IS NULL OR r.last_met >= $cutoff)
                      RETURN DISTINCT t } AS remaining
  WITH area, hit {.*, remaining: remaining}
  ORDER BY hit.hops, hit.score DESC, hit.remaining DESC, hit.c.id_codepoints
  WITH area, collect(hit)[0..$limit] AS ranked
  UNWIND range(0, size(ranked) - 1) AS i
  RETURN area, i + 1 AS rank, ranked[i] AS hit
}
RETURN m.id AS mentee_id, area, rank, hit.c.id AS candidate_id, hit.hops AS hops, hit.score AS score,
       hit.c.name AS candidate_name, hit.shares AS shares, hit.remaining AS remaining
