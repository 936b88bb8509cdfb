// name: create_people
// description: Writes one batch of people into a database that held no people when the load began (the fast path of load). Returns the element ids the relationship statements find people by.
// parameters: $id, $name, $department, $institution, $career_stage, $role, $mentee, $research_interests, $career_interests, $seeks_concordance, $leadership, $accepting, $capacity, $id_codepoints, $research_lower, $career_lower, $departmentKey, $extra: one list each, item i describing person i (null where nothing is stored; departmentKey: the department folded by mentornet.model.fold; extra: a map per person of the identity columns, their folded keys identityKey.<attr>, and any unknown columns, or an empty list)
// kind: write
// (The properties in the CREATE, not a SET after it: a null one is left out the same way, and the
// server writes the node once instead of creating it bare and then replacing its properties.
// The ids returned are the ones sent: reading p.id after the SET made the planner buffer every row (Eager).)
UNWIND range(0, size($id) - 1) AS i
CREATE (p:Person:Mentornet {id: $id[i], name: $name[i], department: $department[i], institution: $institution[i],
         career_stage: $career_stage[i], role: $role[i], mentee: $mentee[i],
         research_interests: $research_interests[i], career_interests: $career_interests[i],
         seeks_concordance: $seeks_concordance[i], leadership: $leadership[i],
         accepting: $accepting[i], capacity: $capacity[i], id_codepoints: $id_codepoints[i],
         research_lower: $research_lower[i], career_lower: $career_lower[i],
         departmentKey: $departmentKey[i]})
SET p += coalesce($extra[i], {})
RETURN collect($id[i]) AS ids, collect(elementId(p)) AS nodes
