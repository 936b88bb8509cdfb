// name: create_people
// description: Writes one batch of people into a database that held no people when the load began (the fast path of load). Returns the element ids the relationship statements look people up by.
// parameters: $rows (list of {id, props}: props holds every stored property, id included)
// kind: write
UNWIND $rows AS row
CREATE (p:Person)
SET p = row.props
RETURN collect(row.id) AS ids, collect(elementId(p)) AS nodes
