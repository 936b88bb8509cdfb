// name: suited_reach
// description: For each given gap, whether someone within $max_hops is mentor-eligible, not already an active mentor of the mentee and suited to the need, whatever their capacity, acceptance or leadership conflicts (suited), and whether one of those is not a leader of the mentee's department (unconflicted): the facts the open-gap reasons are composed from.
// parameters: $gaps (list of {mentee_id, areas}: each mentee once, with the areas of its gaps), $cutoff (ISO date: last_met on or after it, or none, counts as active), $max_hops (integer), $as_of (ISO date: a MENTORS row whose since is after it has not started), $without (ids of people left out, with every relationship naming them: the departure stress test; [] for everyone)
// columns: mentee_id, area, suited, unconflicted
// kind: read
UNWIND $gaps AS gap
MATCH (m:Person {id: gap.mentee_id})
WITH m, gap.areas AS areas,
     [(mentor:Person)-[r:MENTORS]->(m) WHERE {{ active_mentorship }} AND NOT mentor.id IN $without | mentor] AS mentors,
     CASE WHEN m.role IN ['student', 'resident', 'fellow'] THEN coalesce(toLower(m.department), '') ELSE '' END
       AS conflict_department
// breadth-first: a node new at hop h is a neighbour of layer h-1 in neither layer h-1 nor h-2
WITH m, areas, mentors, conflict_department,
     reduce(st = {prev: [], frontier: [m], reached: []}, hop IN range(1, $max_hops) |
       [next IN [COLLECT { UNWIND st.frontier AS x
                           MATCH (x)--(y:Person)
                           WHERE NOT y IN st.frontier AND NOT y IN st.prev AND NOT y.id IN $without
                           RETURN DISTINCT y }] |
        {prev: st.frontier, frontier: next, reached: st.reached + next}][0]) AS st
WITH m, areas, conflict_department,
     [c IN st.reached WHERE c.role IN ['faculty', 'alumni', 'external'] AND NOT c IN mentors] AS reach
UNWIND areas AS area
WITH m, area, conflict_department,
     [c IN reach
      WHERE CASE WHEN area STARTS WITH 'identity:'
                   THEN coalesce(toLower(c['identity.' + substring(area, 9)]), '')
                        = toLower(m['identity.' + substring(area, 9)])
                 WHEN area = 'career' AND size(m.career_lower) > 0
                   THEN any(t IN c.career_lower WHERE t IN m.career_lower)
                 WHEN area = 'career' THEN size(c.career_lower) > 0
                 WHEN size(m.research_lower) > 0 THEN any(t IN c.research_lower WHERE t IN m.research_lower)
                 ELSE size(c.research_lower) > 0 END] AS suited
RETURN m.id AS mentee_id, area, size(suited) > 0 AS suited,
       any(c IN suited WHERE NOT (size(coalesce(c.leadership, [])) > 0 AND conflict_department <> ''
                                  AND coalesce(toLower(c.department), '') = conflict_department)) AS unconflicted
