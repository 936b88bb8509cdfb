// name: load_count_found
// description: Before a load with --replace over an earlier one of this version: how many of the given relationship rows the database holds, each keyed as the load keys it (its two people, its type, its duplicate number), to choose between updating in place and deleting first.
// parameters: $source, $target, $type, $duplicate: one list each, item i describing row i (duplicate: how many earlier rows have the same source, target and type, 0 for the first)
// kind: write
// (kind write: part of load, not an analyst query.)
UNWIND range(0, size($source) - 1) AS i
MATCH (a:Mentornet:Person {id: $source[i]})-[r]->(b:Mentornet:Person {id: $target[i]})
WHERE type(r) = $type[i] AND {{ duplicate_number }} = $duplicate[i]
RETURN count(DISTINCT i) AS found
