// name: over_capacity
// description: Mentors whose number of distinct active mentees exceeds their capacity.
// parameters: $cutoff (ISO date: last_met on or after it, or none, counts as active), $default_capacity (integer used when capacity is empty), $as_of (ISO date: a MENTORS row whose since is after it has not started)
// kind: read
MATCH (p:Person)
WITH p, COUNT { MATCH (p)-[r:MENTORS]->(mentee:Person)
                WHERE {{ active_mentorship }}
                RETURN DISTINCT mentee } AS load
WITH p, load, coalesce(p.capacity, $default_capacity) AS capacity
WHERE load > capacity
RETURN p.id AS mentor_id, p.name AS name, load, capacity
ORDER BY mentor_id
