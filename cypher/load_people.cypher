// name: load_people
// description: Writes one batch of people; each person's properties are replaced by the loaded ones, so re-running converges.
// parameters: $rows (list of {id, props}: props holds every stored property, id included)
// kind: write
UNWIND $rows AS row
MERGE (p:Person {id: row.id})
SET p = row.props
