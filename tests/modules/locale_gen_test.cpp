// locale_gen with /etc as a scratch overlay (namespace_harness.hpp) and test doubles of `locale`
// (it answers from a scratch list) and `locale-gen` (it records its call and adds the enabled
// locales of /etc/locale.gen to that list): generating real locales would write
// /usr/lib/locale, outside the overlay.
#include <doctest/doctest.h>

#include "harness.hpp"
#include "namespace_harness.hpp"

using namespace drover::modules::testing;

TEST_CASE("locale_gen uncomments the locale in /etc/locale.gen and runs locale-gen; absent comments it again") {
  if (!namespaces_available()) return;
  Isolated sys;
  const std::string list = sys.path("locales");
  write_text(list, "C\nC.utf8\nPOSIX\n");
  write_text(sys.bin() + "/locale", "#!/bin/sh\ncat " + list + "\n");
  write_text(sys.bin() + "/locale-gen", "#!/bin/sh\necho \"locale-gen $*\" >> " + sys.path("calls") +
                                            "\n{ echo C.utf8; sed -n 's/^\\([a-z][a-zA-Z_]*\\)\\.UTF-8 UTF-8$/\\1.utf8/p' /etc/locale.gen; } > " + list + "\n");
  for (const char* tool : {"locale", "locale-gen"})
    std::filesystem::permissions(sys.bin() + "/" + tool, std::filesystem::perms::owner_all);
  sys.setup = "printf '# header\\n# de_CH.UTF-8 UTF-8\\n# en_US.UTF-8 UTF-8\\n' > /etc/locale.gen";
  json present = {{"name", "de_CH.UTF-8"}};
  json absent = {{"name", "de_CH.UTF-8"}, {"state", "absent"}};
  auto r = sys.run_all({{"locale_gen", present, Check::yes}, {"locale_gen", present}, {"locale_gen", present},
                        {"locale_gen", absent}, {"locale_gen", {{"name", "xx_YY.UTF-8"}}}});
  CHECK(r[0] == json({{"changed", true}}));
  CHECK(r[1] == json({{"changed", true}, {"name", "de_CH.UTF-8"}, {"msg", "OK"}}));
  CHECK(r[2]["changed"] == false);
  CHECK(r[3]["changed"] == true);
  CHECK(r[4]["msg"] == "The locale you've entered is not available on your system.");
  CHECK(read_text(sys.etc_file("locale.gen")) == "# header\n# de_CH.UTF-8 UTF-8\n# en_US.UTF-8 UTF-8\n");
  CHECK(read_text(sys.path("calls")) == "locale-gen \nlocale-gen \n");
}
