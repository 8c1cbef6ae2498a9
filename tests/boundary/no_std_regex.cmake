# ctest `no-std-regex`: fails when a file under ROOT's core/, plugins/ or modules/ includes <regex>.
# The project's regular expressions are PCRE2 through core/value/regex.hpp (docs/template.md,
# "Regular expressions"); `no-std-regex-control` runs this on std_regex_probe/, which includes
# <regex>, and expects the failure, so this check cannot pass by finding no files.
# Run: cmake -DROOT=<source dir> -P tests/boundary/no_std_regex.cmake
if(NOT ROOT)
  message(FATAL_ERROR "no_std_regex.cmake: ROOT is not set")
endif()
file(GLOB_RECURSE sources
  ${ROOT}/core/*.cpp ${ROOT}/core/*.hpp ${ROOT}/core/*.h
  ${ROOT}/plugins/*.cpp ${ROOT}/plugins/*.hpp ${ROOT}/plugins/*.h
  ${ROOT}/modules/*.cpp ${ROOT}/modules/*.hpp ${ROOT}/modules/*.h)
if(NOT sources)
  message(FATAL_ERROR "no_std_regex.cmake: no sources under ${ROOT}")
endif()
set(offenders)
foreach(file IN LISTS sources)
  file(STRINGS ${file} hits REGEX "^[ \t]*#[ \t]*include[ \t]*<regex>")
  if(hits)
    file(RELATIVE_PATH name ${ROOT} ${file})
    list(APPEND offenders ${name})
  endif()
endforeach()
if(offenders)
  list(JOIN offenders "\n  " listed)
  message(FATAL_ERROR "std::regex is not used in drover; use drover::Regex (core/value/regex.hpp, PCRE2) "
                      "instead. <regex> is included by:\n  ${listed}")
endif()
