// name: delete_relationships_not_in
// description: For a load with --replace updated in place: deletes the relationships going out of one batch of people that the files do not describe. A relationship is described when its type and its other end are one of the person's keys and its duplicate number (0 when absent) is below that key's number of rows.
// parameters: $node_a (the element ids of the people, as the people statements returned them), $rows: one list each, item i describing person i (rows: a map from key to number of rows, a key being the type, a space and the element id of the other end, for each pair of people the files hold)
// kind: write
// (Run only when more than the files' rows go out of mentornet's people: load_count_held.)
UNWIND range(0, size($node_a) - 1) AS i
MATCH (a) WHERE elementId(a) = $node_a[i]
MATCH (a)-[r]->(b)
WITH r, coalesce($rows[i][type(r) + ' ' + elementId(b)], 0) AS rows
WHERE {{ duplicate_number }} >= rows
DELETE r
RETURN count(*) AS deleted
