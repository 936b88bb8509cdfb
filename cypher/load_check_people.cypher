// name: load_check_people
// description: After a load: how many of the given element ids still belong to the person load wrote them for (fewer than given means another client deleted or re-created people meanwhile, and relationships may have found the wrong person).
// parameters: $ids, $nodes: person ids and their element ids, as the people statements returned them, item i describing person i
// kind: write
// (kind write: part of load, not an analyst query. One check per person at the end, instead of one per relationship end while writing: 2 million property reads at 100,000 people.)
UNWIND range(0, size($nodes) - 1) AS i
MATCH (p) WHERE elementId(p) = $nodes[i] AND p.id = $ids[i]
RETURN count(p) AS found
