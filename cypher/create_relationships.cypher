// name: create_relationships
// description: Writes one batch of REL_TYPE relationship rows into a database that held no people when the load began (the fast path of load: nothing to match against).
// parameters: $plain_a, $plain_b: the rows with nothing to store (no property, not a duplicate), one list each; $node_a, $node_b, $duplicate, $focus, $status, $formal, $since, $last_met, $extra: the other rows, one list each, item i describing row i (node_a/node_b: the element ids of its two people, as the people statement returned them; duplicate: how many earlier rows have the same source, target and type, null for the first; null where nothing is stored; extra: a map of the unknown columns, or null)
// kind: write
// types: REL_TYPE is each of MENTORS, COLLEAGUE, COAUTHOR, KNOWS (mentornet.model.REL_TYPES), run as create_mentors, create_colleague, create_coauthor and create_knows
// (No :Person label in the MATCHes: with it the planner seeks the id index instead of the element id.
// load checks once at its end that each element id is still its person's: load_check_people.)
// (The rows with nothing to store are created bare: a CREATE that sets no property costs the server about half as much.
// The others get their properties in the CREATE, where a null one is left out as SET leaves it out.)
CALL () {
  UNWIND range(0, size($plain_a) - 1) AS i
  MATCH (a) WHERE elementId(a) = $plain_a[i]
  MATCH (b) WHERE elementId(b) = $plain_b[i]
  CREATE (a)-[:REL_TYPE]->(b)
  RETURN count(*) AS plain
}
CALL () {
  UNWIND range(0, size($node_a) - 1) AS i
  MATCH (a) WHERE elementId(a) = $node_a[i]
  MATCH (b) WHERE elementId(b) = $node_b[i]
  CREATE (a)-[r:REL_TYPE {duplicate: $duplicate[i], focus: $focus[i], status: $status[i], formal: $formal[i],
                          since: $since[i], last_met: $last_met[i]}]->(b)
  SET r += coalesce($extra[i], {})
  RETURN count(*) AS described
}
RETURN plain + described AS written
