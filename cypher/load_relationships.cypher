// name: load_relationships
// description: Writes one batch of REL_TYPE relationship rows into a database that may hold them already: a relationship is keyed on its two people, its type and its duplicate number, so re-running converges and duplicate rows stay distinct.
// parameters: $node_a, $node_b, $duplicate, $focus, $status, $formal, $since, $last_met, $extra: one list each, item i describing row i (node_a/node_b: the element ids of its two people, as the people statement returned them; duplicate: how many earlier rows have the same source, target and type, null for the first; null where nothing is stored; extra: a map of the unknown columns, or null; $plain_a and $plain_b, sent empty, are not read: every row here is looked up)
// kind: write
// types: REL_TYPE is each of MENTORS, COLLEAGUE, COAUTHOR, KNOWS (mentornet.model.REL_TYPES), run as load_mentors, load_colleague, load_coauthor and load_knows
// (No :Person label in the two MATCHes: with it the planner seeks the id index instead of the element id.
// load checks once at its end that each element id is still its person's: load_check_people.)
// (Not MERGE: the first row of a pair stores no duplicate number, and MERGE cannot ask for a property to be absent.
// Without MERGE's lock two loads at once could both create a missing relationship: load then finds more
// relationships than rows and exits 3.)
UNWIND range(0, size($node_a) - 1) AS i
MATCH (a) WHERE elementId(a) = $node_a[i]
MATCH (b) WHERE elementId(b) = $node_b[i]
OPTIONAL MATCH (a)-[r:REL_TYPE]->(b) WHERE {{ duplicate_number }} = coalesce($duplicate[i], 0)
WITH a, b, i, head(collect(r)) AS old
CALL (a, b, old) {
  WITH a, b, old WHERE old IS NULL
  CREATE (a)-[new:REL_TYPE]->(b)
  RETURN new AS r
  UNION ALL
  WITH old WHERE old IS NOT NULL
  RETURN old AS r
}
SET r = {duplicate: $duplicate[i], focus: $focus[i], status: $status[i], formal: $formal[i],
         since: $since[i], last_met: $last_met[i]}
SET r += coalesce($extra[i], {})
RETURN count(r) AS written
