// name: load_mentors
// description: Writes one batch of MENTORS relationship rows, keyed on the row number of relationships.csv so re-running converges and duplicate rows stay distinct.
// parameters: $rows (list of {source, target, row, props}: props holds every stored property, row included)
// kind: write
UNWIND $rows AS row
MATCH (a:Person {id: row.source})
MATCH (b:Person {id: row.target})
MERGE (a)-[r:MENTORS {row: row.row}]->(b)
SET r = row.props
