// name: leadership_conflicts
// description: Active mentorships in which a leader (chair, program director, ...) mentors a trainee of their own department.
// parameters: $cutoff (ISO date: last_met on or after it, or none, counts as active), $as_of (ISO date: a MENTORS row whose since is after it has not started)
// kind: read
MATCH (mentor:Person)-[r:MENTORS]->(mentee:Person)
WHERE {{ active_mentorship }}
  AND size(coalesce(mentor.leadership, [])) > 0
  AND mentee.role IN ['student', 'resident', 'fellow']
  AND coalesce(mentee.department, '') <> ''
  AND toLower(mentor.department) = toLower(mentee.department)
RETURN DISTINCT mentor.id AS mentor_id, mentee.id AS mentee_id, mentor.leadership AS leadership,
       mentee.department AS department
ORDER BY mentor_id, mentee_id
