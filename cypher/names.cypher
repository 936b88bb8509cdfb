// name: names
// description: Display names of the given people.
// parameters: $ids (list of person ids)
// kind: read
MATCH (p:Person)
WHERE p.id IN $ids
RETURN p.id AS id, p.name AS name
ORDER BY id
