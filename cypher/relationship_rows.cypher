// name: relationship_rows
// description: Every relationship row between people, with the defaults that are not stored filled in (status active, no focus, no dates): what viz draws.
// parameters: none
// columns: source, target, type, focus, status, since, last_met
// kind: read
MATCH (a:Person)-[r]->(b:Person)
RETURN a.id AS source, b.id AS target, type(r) AS type, coalesce(r.focus, []) AS focus,
       coalesce(r.status, 'active') AS status, coalesce(r.since, '') AS since, coalesce(r.last_met, '') AS last_met
ORDER BY a.id_codepoints, b.id_codepoints, type, coalesce(r.duplicate, 0)
