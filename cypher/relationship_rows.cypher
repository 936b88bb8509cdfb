// name: relationship_rows
// description: Every relationship row between people, with the defaults that are not stored filled in (status active, no focus, no dates): what viz draws.
// parameters: $only (a list of person ids: only the rows naming one of them; null for every row), $among (true: only the rows whose two people are both in $only)
// columns: source, target, type, focus, status, since, last_met
// kind: read
// with $only the rows are found from those people through the id index, not by reading every
// row: each row once, from its source when that is in $only, else from its target
CALL () {
  MATCH (a:Person)-[r]->(b:Person)
  WHERE $only IS NULL
  RETURN a, r, b
  UNION ALL
  UNWIND $only AS id
  WITH DISTINCT id
  MATCH (a:Person {id: id})-[r]->(b:Person)
  WHERE NOT coalesce($among, false) OR b.id IN $only
  RETURN a, r, b
  UNION ALL
  UNWIND CASE WHEN coalesce($among, false) THEN [] ELSE $only END AS id
  WITH DISTINCT id
  MATCH (a:Person)-[r]->(b:Person {id: id})
  WHERE NOT coalesce(a.id IN $only, false)
  RETURN a, r, b
}
RETURN a.id AS source, b.id AS target, type(r) AS type, coalesce(r.focus, []) AS focus,
       coalesce(r.status, 'active') AS status, coalesce(r.since, '') AS since, coalesce(r.last_met, '') AS last_met
ORDER BY a.id_codepoints, b.id_codepoints, type, {{ duplicate_number }}
