// name: load_people_not_in
// description: For a load with --replace updated in place: the element ids of the people an earlier load wrote whose id is not in $ids (or who have none), read once and then deleted by delete_nodes.
// parameters: $ids (list of the person ids of the files)
// kind: write
// (kind write: part of load, not an analyst query. IN on a list parameter is a hash look-up, whatever the list's length.)
MATCH (n:Mentornet)
WHERE n.id IS NULL OR NOT n.id IN $ids
RETURN collect(elementId(n)) AS nodes
