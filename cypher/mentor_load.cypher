// name: mentor_load
// description: Load (distinct active mentees), capacity and room left of every mentor-eligible person or anyone with a mentee.
// parameters: $cutoff (ISO date: last_met on or after it, or none, counts as active), $default_capacity (integer used when capacity is empty), $without (ids of people left out, with every relationship naming them: the departure stress test; [] for everyone), $as_of (ISO date: a MENTORS row whose since is after it has not started), $only (a list of person ids: only those people; null for everyone)
// columns: mentor_id, name, load, capacity, remaining
// kind: read
MATCH (p:Person)
WHERE NOT p.id IN $without AND ($only IS NULL OR p.id IN $only)
WITH p, COUNT { MATCH (p)-[r:MENTORS]->(mentee:Person)
                WHERE {{ active_mentorship }} AND NOT mentee.id IN $without
                RETURN DISTINCT mentee } AS load
WHERE p.role IN ['faculty', 'alumni', 'external'] OR load > 0
WITH p, load, coalesce(p.capacity, $default_capacity) AS capacity
RETURN p.id AS mentor_id, p.name AS name, load, capacity, capacity - load AS remaining
ORDER BY mentor_id
