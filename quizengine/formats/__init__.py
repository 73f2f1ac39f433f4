"""The file formats people write: YAML banks and contest files, rosters (xlsx, csv, yaml) -> core types.

Every parser reads untrusted input and reports each problem at its
`file:line:col` (or row:column) without building anything from a bad file.
"""
