// name: load_knows
// description: Writes one batch of KNOWS relationship rows into a database that may hold them already: keyed on the row number of relationships.csv, so re-running converges and duplicate rows stay distinct.
// parameters: $source, $target, $node_a, $node_b, $row, $focus, $status, $formal, $since, $last_met, $extra: one list each, item i describing row i (node_a/node_b: the element ids the people statement returned, checked against the person ids source/target; null where nothing is stored; extra: a map of the unknown columns per row, or an empty list)
// kind: write
// (No :Person label in the two MATCHes: with it the planner seeks the id index instead of the element id.)
UNWIND range(0, size($row) - 1) AS i
MATCH (a) WHERE elementId(a) = $node_a[i] AND a.id = $source[i]
MATCH (b) WHERE elementId(b) = $node_b[i] AND b.id = $target[i]
MERGE (a)-[r:KNOWS {row: $row[i]}]->(b)
SET r = {row: $row[i], focus: $focus[i], status: $status[i], formal: $formal[i], since: $since[i],
         last_met: $last_met[i]}
SET r += coalesce($extra[i], {})
RETURN count(r) AS written
