# cmake -DDIR=<dist> -DFILES=<a|b|...> -P kmdkit-sums.cmake
# Writes DIR/SHA256SUMS in sha256sum's format ("<hex>  <name>"), one line per file, sorted by name,
# through a temporary file so a failed run never leaves a partial list.
string(REPLACE "|" ";" files "${FILES}")
set(lines "")
set(names "")
foreach(f IN LISTS files)
    get_filename_component(n "${f}" NAME)
    list(APPEND names "${n}")
endforeach()
list(SORT names)
foreach(n IN LISTS names)
    file(SHA256 "${DIR}/${n}" h)
    string(APPEND lines "${h}  ${n}\n")
endforeach()
file(WRITE "${DIR}/SHA256SUMS.tmp" "${lines}")
file(RENAME "${DIR}/SHA256SUMS.tmp" "${DIR}/SHA256SUMS")
