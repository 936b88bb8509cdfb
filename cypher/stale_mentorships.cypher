// name: stale_mentorships
// description: Mentor-mentee pairs with a lapsed or ended MENTORS row and no active one; latest last_met, and status active when it lapsed rather than ended.
// parameters: $cutoff (ISO date: last_met on or after it, or none, counts as active)
// kind: read
MATCH (mentor:Person)-[r:MENTORS]->(mentee:Person)
WITH mentor, mentee,
     collect({{ active_mentorship }}) AS active,
     collect(r) AS rows
WHERE NOT any(a IN active WHERE a)
RETURN mentor.id AS mentor_id, mentee.id AS mentee_id,
       coalesce(reduce(latest = null, x IN rows |
                CASE WHEN latest IS NULL OR x.last_met > latest THEN x.last_met ELSE latest END), '') AS last_met,
       CASE WHEN any(x IN rows WHERE x.status = 'active') THEN 'active' ELSE 'ended' END AS status
ORDER BY mentor_id, mentee_id
