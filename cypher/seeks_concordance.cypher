// name: seeks_concordance
// description: The identity attributes each given person asked concordance on.
// parameters: $ids (list of person ids)
// kind: read
MATCH (p:Person)
WHERE p.id IN $ids
RETURN p.id AS id, coalesce(p.seeks_concordance, []) AS seeks
ORDER BY id
