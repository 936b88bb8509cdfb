// name: referral_candidates
// description: The best $limit candidates for each gap (of $mentee and/or $area when given), ranked by hops, score, room left and id, with the interests they share; the rows of `mentornet refer` without paths.
// parameters: $cutoff (ISO date: last_met on or after it, or none, counts as active), $concordance (map: identity attribute -> lower-case values that make concordance a need), $attrs (identity attribute names), $default_capacity (integer), $max_hops (integer), $limit (candidates per gap), $mentee (a person id, or null for everyone), $area (research, career, identity:<attr>, or null for every area), $part and $parts (only the mentees whose id code points sum to $part modulo $parts: mentornet runs the parts in parallel sessions; 0 and 1 for everyone), $without (ids of people left out, with every relationship naming them: the departure stress test; [] for everyone), $as_of (ISO date: a MENTORS row whose since is after it has not started)
// columns: mentee_id, area, rank, candidate_id, hops, score, candidate_name, shares, remaining
// kind: read
// people with room for a mentee (mentor-eligible, accepting, remaining capacity > 0), grouped by
// the room they have left (`c IN eligible` below is a hash lookup: Neo4j caches a set for a list
// tested many times)
CALL () {
  MATCH (c:Person)
  WHERE c.role IN ['faculty', 'alumni', 'external'] AND c.accepting = true AND NOT c.id IN $without
  WITH c, coalesce(c.capacity, $default_capacity)
          - COUNT { MATCH (c)-[r:MENTORS]->(t:Person)
                    WHERE {{ active_mentorship }} AND NOT t.id IN $without
                    RETURN DISTINCT t } AS room
  WHERE room > 0
  WITH room, collect(c) AS people
  RETURN collect({room: room, people: people}) AS rooms
}
WITH rooms, reduce(all = [], g IN rooms | all + g.people) AS eligible
WITH rooms, eligible, [c IN eligible WHERE size(coalesce(c.leadership, [])) > 0] AS leaders
MATCH (m:Person)
WHERE m.mentee = true AND ($mentee IS NULL OR m.id = $mentee) AND NOT m.id IN $without
  AND reduce(s = 0, c IN m.id_codepoints | s + c) % $parts = $part
WITH rooms, eligible, leaders, m, [(mentor:Person)-[r:MENTORS]->(m)
         WHERE {{ active_mentorship }} AND NOT mentor.id IN $without
         | {mentor: mentor, focus: coalesce(r.focus, [])}] AS active
WITH rooms, eligible, leaders, m, active,
     reduce(seen = [], x IN active | CASE WHEN x.mentor IN seen THEN seen ELSE seen + x.mentor END) AS mentors
WITH rooms, eligible, leaders, m, mentors,
     [area IN ['research', 'career'] WHERE NOT any(x IN active WHERE area IN x.focus)] +
     [attr IN $attrs
      WHERE coalesce(toLower(m['identity.' + attr]), '') <> ''
        AND (attr IN coalesce(m.seeks_concordance, [])
             OR toLower(m['identity.' + attr]) IN coalesce($concordance[attr], []))
        AND NOT any(x IN mentors WHERE coalesce(toLower(x['identity.' + attr]), '') = toLower(m['identity.' + attr]))
      | 'identity:' + attr] AS needs
WITH rooms, eligible, leaders, m, mentors, [area IN needs WHERE $area IS NULL OR area = $area] AS gaps
WHERE size(gaps) > 0
WITH rooms, eligible, leaders, m, mentors, gaps,
     m.research_lower AS m_research, m.career_lower AS m_career,
     CASE WHEN m.role IN ['student', 'resident', 'fellow'] THEN coalesce(toLower(m.department), '') ELSE '' END
       AS conflict_department
// breadth-first, one hop at a time: `found` are the candidates new at this hop (eligible people
// only: most mentees are done after one or two hops); the whole layer, needed to go one hop
// further, is gathered only when some gap still lacks $limit candidates. (In an undirected graph
// a node new at hop h is a neighbour of layer h-1 that is in neither layer h-1 nor h-2.)
WITH m, gaps, m_research, m_career, rooms, eligible, leaders, mentors, conflict_department,
     reduce(st = {prev: [], frontier: [m], hits: [], done: false}, hop IN range(1, $max_hops) |
       CASE WHEN st.done THEN st ELSE
       [open IN [[area IN gaps WHERE size([h IN st.hits WHERE h.area = area]) < $limit]] |
       [found IN [COLLECT { UNWIND st.frontier AS x
                            MATCH (x)--(c)
                            WHERE c IN eligible AND NOT c IN mentors AND NOT c IN st.frontier AND NOT c IN st.prev
                              AND NOT (c IN leaders AND conflict_department <> ''
                                       AND coalesce(toLower(c.department), '') = conflict_department)
                            RETURN DISTINCT c }] |
        [hits IN [st.hits + COLLECT {
                   UNWIND found AS c
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
         [done IN [hop = $max_hops OR all(area IN gaps WHERE size([h IN hits WHERE h.area = area]) >= $limit)] |
          {prev: st.frontier,
           frontier: CASE WHEN done THEN [] ELSE COLLECT { UNWIND st.frontier AS x
                                                            MATCH (x)--(y:Person)
                                                            WHERE NOT y IN st.frontier AND NOT y IN st.prev
                                                              AND NOT y.id IN $without
                                                            RETURN DISTINCT y } END,
           hits: hits, done: done}][0]
        ][0]][0]][0]
       END) AS st
// rank: hops and score first; room left is looked up only for the hits that can still make the top $limit
CALL (m, st, rooms) {
  UNWIND st.hits AS hit
  WITH hit ORDER BY hit.area, hit.hops, hit.score DESC
  WITH hit.area AS area, collect(hit) AS sorted
  WITH area, sorted, sorted[$limit - 1] AS last
  UNWIND sorted AS hit
  WITH area, hit
  WHERE last IS NULL OR hit.hops < last.hops OR (hit.hops = last.hops AND hit.score >= last.score)
  WITH area, hit {.*, remaining: head([g IN rooms WHERE hit.c IN g.people | g.room])}
  ORDER BY hit.hops, hit.score DESC, hit.remaining DESC, hit.c.id_codepoints
  WITH area, collect(hit)[0..$limit] AS ranked
  UNWIND range(0, size(ranked) - 1) AS i
  RETURN area, i + 1 AS rank, ranked[i] AS hit
}
RETURN m.id AS mentee_id, area, rank, hit.c.id AS candidate_id, hit.hops AS hops, hit.score AS score,
       hit.c.name AS candidate_name, hit.shares AS shares, hit.remaining AS remaining
