// Not compiled: the file ctest `no-std-regex-control` expects tests/boundary/no_std_regex.cmake to
// reject.
#include <regex>
