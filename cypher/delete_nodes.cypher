// name: delete_nodes
// description: For a load with --replace updated in place: deletes the given people an earlier load wrote (the element ids load_people_not_in found; a node without the :Mentornet label is never touched), with their relationships.
// parameters: $nodes (list of element ids)
// kind: write
UNWIND $nodes AS node
MATCH (n:Mentornet) WHERE elementId(n) = node
DETACH DELETE n
RETURN count(*) AS deleted
