// name: delete_relationships_not_in
// description: For a load with --replace updated in place: deletes the relationships going out of one batch of people that the files do not describe. A relationship is described when its type and its other end are one of the person's keys and its duplicate number (0 when absent) is below that key's number of rows.
// parameters: $node_a (the element ids of the people, as the people statements returned them), $keys, $rows: one list each, item i describing person i (keys: the type, a space and the element id of the other end, of each distinct pair the files hold; rows: how many rows each key has)
// kind: write
// (Run only when the relationships touching mentornet's people outnumber the rows: load_count_touching.)
UNWIND range(0, size($node_a) - 1) AS i
MATCH (a) WHERE elementId(a) = $node_a[i]
MATCH (a)-[r]->(b)
WITH r, $keys[i] AS keys, $rows[i] AS rows, type(r) + ' ' + elementId(b) AS key, coalesce(r.duplicate, 0) AS duplicate
WHERE NOT any(k IN range(0, size(keys) - 1) WHERE keys[k] = key AND duplicate < rows[k])
DELETE r
RETURN count(*) AS deleted
