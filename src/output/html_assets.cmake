# Makes src/output/html.css and src/output/html.js into C strings for src/output/html.c, so the
# page is written from one binary with no files to find at run time.
# cmake -DCSS=... -DJS=... -DOUT=... -P html_assets.cmake
function(as_c_array path name out_var)
  file(READ "${path}" hex HEX)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," hex "${hex}")
  string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n" hex "${hex}")
  set(${out_var} "const char ${name}[] = {\n${hex}0x00\n};\n" PARENT_SCOPE)
endfunction()
as_c_array("${CSS}" cm_html_css css)
as_c_array("${JS}" cm_html_js js)
file(WRITE "${OUT}.tmp" "/* Made by src/output/html_assets.cmake from src/output/html.css and src/output/html.js. */\n${css}${js}")
file(RENAME "${OUT}.tmp" "${OUT}")
