// name: referral_candidates
// description: The best $limit candidates for each gap (of $mentee and/or $area when given), ranked by hops, score, room left and id, with the interests they share; the rows of `mentornet refer` without paths.
// parameters: $cutoff (ISO date: last_met on or after it, or none, counts as active), $concordance (map: identity attribute -> lower-case values that make concordance a need), $attrs (identity attribute names), $default_capacity (integer), $max_hops (integer), $limit (candidates per gap), $mentee (a person id, or null for everyone), $area (research, career, identity:<attr>, or null for every area)
// kind: read
MATCH (m:Person)
WHERE m.mentee = true AND ($mentee IS NULL OR m.id = $mentee)
WITH m, [(mentor:Person)-[r:MENTORS]->(m)
         WHERE r.status = 'active' AND (r.last_met IS NULL OR r.last_met >= $cutoff)
         | {mentor: mentor, focus: coalesce(r.focus, [])}] AS active
WITH m, active,
     reduce(seen = [], x IN active | CASE WHEN x.mentor IN seen THEN seen ELSE seen + x.mentor END) AS mentors
WITH m, mentors,
     [area IN ['research', 'career'] WHERE NOT any(x IN active WHERE area IN x.focus)] +
     [attr IN $attrs
      WHERE coalesce(toLower(m['identity.' + attr]), '') <> ''
        AND (attr IN coalesce(m.seeks_concordance, [])
             OR toLower(m['identity.' + attr]) IN coalesce($concordance[attr], []))
        AND NOT any(x IN mentors WHERE coalesce(toLower(x['identity.' + attr]), '') = toLower(m['identity.' + attr]))
      | 'identity:' + attr] AS needs
WITH m, mentors, [area IN needs WHERE $area IS NULL OR area = $area] AS gaps
WHERE size(gaps) > 0
// the mentee's interests as lower-case sets; whether a leader of the same department is in conflict
WITH m, mentors, gaps,
     reduce(s = [], t IN coalesce(m.research_interests, []) |
            CASE WHEN toLower(t) IN s THEN s ELSE s + toLower(t) END) AS m_research,
     reduce(s = [], t IN coalesce(m.career_interests, []) |
            CASE WHEN toLower(t) IN s THEN s ELSE s + toLower(t) END) AS m_career,
     CASE WHEN m.role IN ['student', 'resident', 'fellow'] THEN coalesce(toLower(m.department), '') ELSE '' END
       AS conflict_department
// breadth-first, one layer per hop (in an undirected graph a node new at hop h is a neighbour of
// layer h-1 that is in neither layer h-1 nor h-2); stops once every gap has $limit candidates,
// since candidates further away always rank lower
WITH m, gaps, m_research, m_career,
     reduce(st = {prev: [], frontier: [m], hits: [], done: false}, hop IN range(1, $max_hops) |
       CASE WHEN st.done THEN st ELSE
       [layer IN [COLLECT { UNWIND st.frontier AS x
                            MATCH (x)--(y:Person)
                            WHERE NOT y IN st.frontier AND NOT y IN st.prev
                            RETURN DISTINCT y }] |
        [hits IN [st.hits + reduce(acc = [], e IN
                   [c IN layer
                    WHERE c.role IN ['faculty', 'alumni', 'external'] AND c.accepting = true
                      AND NOT c IN mentors
                      AND NOT (conflict_department <> '' AND size(coalesce(c.leadership, [])) > 0
                               AND coalesce(toLower(c.department), '') = conflict_department)
                    | {c: c,
                       remaining: coalesce(c.capacity, $default_capacity)
                                  - COUNT { MATCH (c)-[r:MENTORS]->(t:Person)
                                            WHERE r.status = 'active' AND (r.last_met IS NULL OR r.last_met >= $cutoff)
                                            RETURN DISTINCT t },
                       research: reduce(s = [], t IN coalesce(c.research_interests, []) |
                                        CASE WHEN toLower(t) IN s THEN s ELSE s + toLower(t) END),
                       career: reduce(s = [], t IN coalesce(c.career_interests, []) |
                                      CASE WHEN toLower(t) IN s THEN s ELSE s + toLower(t) END)}] |
                   CASE WHEN e.remaining > 0 THEN acc + [area IN gaps |
                     [x IN [CASE area
                              WHEN 'career' THEN {mine: m_career, theirs: e.career}
                              ELSE {mine: m_research, theirs: e.research} END] |
                      [inter IN [size([t IN x.mine WHERE t IN x.theirs])] |
                       {area: area, c: e.c, hops: hop, remaining: e.remaining,
                        shares: [t IN x.mine WHERE t IN x.theirs],
                        suited: CASE WHEN area STARTS WITH 'identity:'
                                  THEN coalesce(toLower(e.c['identity.' + substring(area, 9)]), '')
                                       = toLower(m['identity.' + substring(area, 9)])
                                WHEN size(x.mine) > 0 THEN inter > 0
                                ELSE size(x.theirs) > 0 END,
                        score: CASE WHEN size(x.mine) = 0 THEN 0.0
                               ELSE toFloat(inter) / (size(x.mine) + size(x.theirs) - inter) END}][0]][0]]
                   ELSE acc END)] |
         {prev: st.frontier, frontier: layer,
          hits: [h IN hits WHERE h.suited],
          done: size(layer) = 0
                OR all(area IN gaps WHERE size([h IN hits WHERE h.suited AND h.area = area]) >= $limit)}][0]
       ][0]
       END) AS st
UNWIND st.hits AS hit
WITH m, hit
ORDER BY m.id, hit.area, hit.hops, hit.score DESC, hit.remaining DESC, hit.c.id_codepoints
WITH m, hit.area AS area, collect(hit)[0..$limit] AS ranked
UNWIND range(0, size(ranked) - 1) AS i
WITH m, area, i + 1 AS rank, ranked[i] AS hit
RETURN m.id AS mentee_id, area, rank, hit.c.id AS candidate_id, hit.hops AS hops, hit.score AS score,
       hit.c.name AS candidate_name, hit.shares AS shares, hit.remaining AS remaining
