// name: stale_mentorships
// description: Mentor-mentee pairs with a stale MENTORS row (started, not active) and no active one; latest last_met among the stale rows, and status lapsed (a row with status active not met within stale_after_days) or ended. A row whose since is after $as_of has not started and is neither.
// parameters: $cutoff (ISO date: last_met on or after it, or none, counts as active), $as_of (ISO date: a MENTORS row whose since is after it has not started)
// kind: read
MATCH (mentor:Person)-[r:MENTORS]->(mentee:Person)
// started rows only (the not-started rule; the fragment below adds it to the active rule)
WHERE coalesce(r.since, '') <= $as_of
WITH mentor, mentee,
     collect({{ active_mentorship }}) AS active,
     collect(r) AS rows
WHERE NOT any(a IN active WHERE a)
RETURN mentor.id AS mentor_id, mentee.id AS mentee_id,
       coalesce(reduce(latest = null, x IN rows |
                CASE WHEN latest IS NULL OR x.last_met > latest THEN x.last_met ELSE latest END), '') AS last_met,
       CASE WHEN any(x IN rows WHERE x.status = 'active') THEN 'lapsed' ELSE 'ended' END AS status
ORDER BY mentor_id, mentee_id
