// name: coverage_by_department
// description: Per department: mentees, how many have no active mentor, and how many have an active research and career mentor.
// parameters: $cutoff (ISO date: last_met on or after it, or none, counts as active), $as_of (ISO date: a MENTORS row whose since is after it has not started)
// kind: read
MATCH (m:Person)
WHERE m.mentee = true
WITH m, [(mentor:Person)-[r:MENTORS]->(m)
         WHERE {{ active_mentorship }}
         | coalesce(r.focus, [])] AS foci
WITH coalesce(m.department, '') AS department, m, foci
RETURN department,
       count(m) AS mentees,
       sum(CASE WHEN size(foci) = 0 THEN 1 ELSE 0 END) AS without_mentor,
       sum(CASE WHEN any(f IN foci WHERE 'research' IN f) THEN 1 ELSE 0 END) AS research_covered,
       sum(CASE WHEN any(f IN foci WHERE 'career' IN f) THEN 1 ELSE 0 END) AS career_covered
ORDER BY department
