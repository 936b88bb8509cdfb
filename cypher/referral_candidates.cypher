// name: referral_candidates
// description: The best $limit candidates for each gap (of $mentee and/or $area when given), ranked by hops, score, room left and id, with the interests they share; the rows of `mentornet refer` without paths.
// parameters: $cutoff (ISO date: last_met on or after it, or none, counts as active), $concordance (map: identity attribute -> lower-case values that make concordance a need), $attrs (identity attribute names), $default_capacity (integer), $max_hops (integer), $limit (candidates per gap), $mentee (a person id, or null for everyone), $area (research, career, identity:<attr>, or null for every area)
// kind: read
// people with room for a mentee: mentor-eligible, accepting, remaining capacity > 0
CALL () {
  MATCH (c:Person)
  WHERE c.role IN ['faculty', 'alumni', 'external'] AND c.accepting = true
    AND coalesce(c.capacity, $default_capacity)
        > COUNT { MATCH (c)-[r:MENTORS]->(t:Person)
                  WHERE r.status = 'active' AND (r.last_met IS NULL OR r.last_met >= $cutoff)
                  RETURN DISTINCT t }
  RETURN collect(c) AS eligible
}
MATCH (m:Person)
WHERE m.mentee = true AND ($mentee IS NULL OR m.id = $mentee)
WITH eligible, m, [(mentor:Person)-[r:MENTORS]->(m)
         WHERE r.status = 'active' AND (r.last_met IS NULL OR r.last_met >= $cutoff)
         | {mentor: mentor, focus: coalesce(r.focus, [])}] AS active
WITH eligible, m, active,
     reduce(seen = [], x IN active | CASE WHEN x.mentor IN seen THEN seen ELSE seen + x.mentor END) AS mentors
WITH eligible, m, mentors,
     [area IN ['research', 'career'] WHERE NOT any(x IN active WHERE area IN x.focus)] +
     [attr IN $attrs
      WHERE coalesce(toLower(m['identity.' + attr]), '') <> ''
        AND (attr IN coalesce(m.seeks_concordance, [])
             OR toLower(m['identity.' + attr]) IN coalesce($concordance[attr], []))
        AND NOT any(x IN mentors WHERE coalesce(toLower(x['identity.' + attr]), '') = toLower(m['identity.' + attr]))
      | 'identity:' + attr] AS needs
WITH eligible, m, mentors, [area IN needs WHERE $area IS NULL OR area = $area] AS gaps
WHERE size(gaps) > 0
// whether a leader of the same department is in conflict
WITH eligible, m, mentors, gaps,
     m.research_lower AS m_research, m.career_lower AS m_career,
     CASE WHEN m.role IN ['student', 'resident', 'fellow'] THEN coalesce(toLower(m.department), '') ELSE '' END
       AS conflict_department
// breadth-first, one layer per hop (in an undirected graph a node new at hop h is a neighbour of
// layer h-1 that is in neither layer h-1 nor h-2); stops once every gap has $limit candidates,
// since candidates further away always rank lower
WITH eligible, m, gaps, m_research, m_career,
     reduce(st = {prev: [], frontier: [m], hits: [], done: false}, hop IN range(1, $max_hops) |
       CASE WHEN st.done THEN st ELSE
       [layer IN [COLLECT { UNWIND st.frontier AS x
                            MATCH (x)--(y:Person)
                            WHERE NOT y IN st.frontier AND NOT y IN st.prev
                            RETURN DISTINCT y }] |
        [open IN [[area IN gaps WHERE size([h IN st.hits WHERE h.area = area]) < $limit]] |
        [hits IN [st.hits + reduce(acc = [], c IN
                   [c IN layer
                    WHERE c IN eligible AND NOT c IN mentors
                      AND NOT (conflict_department <> '' AND size(coalesce(c.leadership, [])) > 0
                               AND coalesce(toLower(c.department), '') = conflict_department)] |
                   acc + [area IN open
                          WHERE CASE WHEN area STARTS WITH 'identity:'
                                       THEN coalesce(toLower(c['identity.' + substring(area, 9)]), '')
                                            = toLower(m['identity.' + substring(area, 9)])
                                     WHEN area = 'career'
                                       THEN CASE WHEN size(m_career) > 0 THEN any(t IN c.career_lower WHERE t IN m_career)
                                                 ELSE size(c.career_lower) > 0 END
                                     WHEN size(m_research) > 0 THEN any(t IN c.research_lower WHERE t IN m_research)
                                     ELSE size(c.research_lower) > 0 END |
                     [x IN [CASE area
                              WHEN 'career' THEN {mine: m_career, theirs: c.career_lower}
                              ELSE {mine: m_research, theirs: c.research_lower} END] |
                      [shares IN [[t IN x.mine WHERE t IN x.theirs]] |
                       {area: area, c: c, hops: hop, shares: shares,
                        score: CASE WHEN size(x.mine) = 0 THEN 0.0
                               ELSE toFloat(size(shares)) / (size(x.mine) + size(x.theirs) - size(shares)) END}
                      ][0]][0]])] |
         {prev: st.frontier, frontier: layer,
          hits: hits,
          done: size(layer) = 0 OR all(area IN gaps WHERE size([h IN hits WHERE h.area = area]) >= $limit)}][0]
       ][0]][0]
       END) AS st
CALL (m, st) {
  UNWIND st.hits AS hit
  WITH hit, hit.c AS c
  WITH hit, coalesce(c.capacity, $default_capacity)
            - COUNT { MATCH (c)-[r:MENTORS]->(t:Person)
                      WHERE r.status = 'active' AND (r.last_met IS NULL OR r.last_met >= $cutoff)
                      RETURN DISTINCT t } AS remaining
  WITH hit {.*, remaining: remaining}
  ORDER BY hit.area, hit.hops, hit.score DESC, hit.remaining DESC, hit.c.id_codepoints
  WITH hit.area AS area, collect(hit)[0..$limit] AS ranked
  UNWIND range(0, size(ranked) - 1) AS i
  RETURN area, i + 1 AS rank, ranked[i] AS hit
}
RETURN m.id AS mentee_id, area, rank, hit.c.id AS candidate_id, hit.hops AS hops, hit.score AS score,
       hit.c.name AS candidate_name, hit.shares AS shares, hit.remaining AS remaining
