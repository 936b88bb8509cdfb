// name: load_people
// description: Writes one batch of people into a database that may hold them already; each person's properties are replaced by the loaded ones, so re-running converges. Returns the element ids the relationship statements look people up by.
// parameters: $rows (list of {id, props}: props holds every stored property, id included)
// kind: write
UNWIND $rows AS row
MERGE (p:Person {id: row.id})
SET p = row.props
RETURN collect(row.id) AS ids, collect(elementId(p)) AS nodes
