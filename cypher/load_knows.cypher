// name: load_knows
// description: Writes one batch of KNOWS relationship rows, keyed on the row number of relationships.csv so re-running converges and duplicate rows stay distinct.
// parameters: $rows (list of {source, target, row, props}: props holds every stored property, row included)
// kind: write
UNWIND $rows AS row
MATCH (a:Person {id: row.source})
MATCH (b:Person {id: row.target})
MERGE (a)-[r:KNOWS {row: row.row}]->(b)
SET r = row.props
