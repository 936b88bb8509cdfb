// name: mentees_without_mentor
// description: Mentees who have no active mentor at all.
// parameters: $cutoff (ISO date: last_met on or after it, or none, counts as active), $as_of (ISO date: a MENTORS row whose since is after it has not started)
// kind: read
MATCH (m:Person)
WHERE m.mentee = true
  AND NOT EXISTS { MATCH (:Person)-[r:MENTORS]->(m)
                   WHERE {{ active_mentorship }} }
RETURN m.id AS mentee_id, m.name AS name, m.role AS role, m.department AS department
ORDER BY mentee_id
