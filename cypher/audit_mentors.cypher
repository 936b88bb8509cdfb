// name: audit_mentors
// description: Every mentor-eligible person or anyone with an active mentee: load (distinct active mentees), capacity, and lower-case identity values.
// parameters: $cutoff (ISO date: last_met on or after it, or none, counts as active), $default_capacity (integer used when capacity is empty), $attrs (identity attribute names), $as_of (ISO date: a MENTORS row whose since is after it has not started)
// columns: id, load, capacity, identity
// kind: read
MATCH (p:Person)
WITH p, COUNT { MATCH (p)-[r:MENTORS]->(mentee:Person)
                WHERE {{ active_mentorship }}
                RETURN DISTINCT mentee } AS load
WHERE p.role IN ['faculty', 'alumni', 'external'] OR load > 0
RETURN p.id AS id, load, coalesce(p.capacity, $default_capacity) AS capacity,
       [attr IN $attrs | coalesce(toLower(p['identity.' + attr]), '')] AS identity
ORDER BY id
