#include <doctest/doctest.h>

#include <filesystem>

#include "harness.hpp"

using namespace drover::modules::testing;

namespace {

json edit(const std::string& before, json args, std::string& after, Check check = Check::no, Diff diff = Diff::no) {
  TempDir dir;
  std::string path = dir / "f.ini";
  write_text(path, before);
  args["path"] = path;
  json result = run_module("ini_file", args, check, diff);
  after = read_text(path);
  return result;
}

}  // namespace

TEST_CASE("ini_file creates the file, the section and the option, with community.general's result") {
  TempDir dir;
  std::string path = dir / "sub/new.ini";
  json first = run_module("ini_file", {{"path", path}, {"section", "s"}, {"option", "o"}, {"value", "v"}}, Check::no, Diff::yes);
  CHECK(read_text(path) == "\n[s]\no = v\n");  // the blank first line is community.general's too
  CHECK(first["changed"] == true);
  CHECK(first["msg"] == "section and option added");
  CHECK(first["path"] == path);
  CHECK(first["state"] == "file");
  CHECK(first["diff"] == json{{"before", ""}, {"after", "\n[s]\no = v\n"},
                              {"before_header", path + " (content)"}, {"after_header", path + " (content)"}});
  json second = run_module("ini_file", {{"dest", path}, {"section", "s"}, {"option", "o"}, {"value", "v"}});
  CHECK(second["changed"] == false);
  CHECK(second["msg"] == "OK");
}

TEST_CASE("ini_file changes an option's value in its section only") {
  std::string after;
  json result = edit("[a]\no = 1\n[s]\no = old\n[b]\no = 2\n", {{"section", "s"}, {"option", "o"}, {"value", "v"}}, after);
  CHECK(after == "[a]\no = 1\n[s]\no = v\n[b]\no = 2\n");
  CHECK(result["msg"] == "option changed");
}

TEST_CASE("ini_file adds a missing option after the section's last setting, before comments and blanks") {
  std::string after;
  json result = edit("[s]\nk = 1\n# comment\n\n[t]\n", {{"section", "s"}, {"option", "o"}, {"value", "v"}}, after);
  CHECK(after == "[s]\nk = 1\no = v\n# comment\n\n[t]\n");
  CHECK(result["msg"] == "option added");
  edit("[s]\nk = 1\n", {{"section", "s"}, {"option", "o"}, {"value", "v"}, {"no_extra_spaces", true}}, after);
  CHECK(after == "[s]\nk = 1\no=v\n");
}

TEST_CASE("ini_file puts an option without a section before the first section") {
  std::string after;
  json result = edit("[s]\nx=1\n", {{"option", "o"}, {"value", "v"}}, after);
  CHECK(after == "o = v\n[s]\nx=1\n");
  CHECK(result["msg"] == "option added");
}

TEST_CASE("ini_file replaces a commented-out option with the active one") {
  std::string after;
  edit("[s]\n#o = old\n", {{"section", "s"}, {"option", "o"}, {"value", "v"}}, after);
  CHECK(after == "[s]\no = v\n");
}

TEST_CASE("ini_file with values keeps the matching lines and, exclusive, removes the others") {
  std::string after;
  json result = edit("[s]\nb = 1\nb = 2\nb = 3\n", {{"section", "s"}, {"option", "b"}, {"values", {"2", "4"}}}, after);
  CHECK(after == "[s]\nb = 4\nb = 2\n");
  CHECK(result["msg"] == "option changed");
  edit("[s]\nb = 1\n", {{"section", "s"}, {"option", "b"}, {"values", {"x", "y"}}, {"exclusive", false}}, after);
  CHECK(after == "[s]\nb = 1\nb = x\nb = y\n");
  edit("[s]\n", {{"section", "s"}, {"option", "b"}, {"values", {true, 2, "x", "x"}}}, after);  // str() of each, once
  CHECK(after == "[s]\nb = True\nb = 2\nb = x\n");
}

TEST_CASE("ini_file removes options, values and sections with state=absent") {
  std::string after;
  json option = edit("[s]\no = v\nx = 1\n", {{"section", "s"}, {"option", "o"}, {"state", "absent"}}, after);
  CHECK(after == "[s]\nx = 1\n");
  CHECK(option["msg"] == "option changed");
  edit("[s]\nb = 1\nb = 2\n", {{"section", "s"}, {"option", "b"}, {"value", "1"}, {"state", "absent"}, {"exclusive", false}},
       after);
  CHECK(after == "[s]\nb = 2\n");
  json section = edit("[a]\nk=1\n[s]\no = v\n[b]\n", {{"section", "s"}, {"state", "absent"}}, after);
  CHECK(after == "[a]\nk=1\n[b]\n");
  CHECK(section["msg"] == "section removed");
  json none = edit("[a]\nk=1\n", {{"section", "s"}, {"option", "o"}, {"state", "absent"}}, after);
  CHECK(none["changed"] == false);
  CHECK(none["msg"] == "OK");
}

TEST_CASE("ini_file with allow_no_value writes a bare option") {
  std::string after;
  json result = edit("[s]\nk = v\n", {{"section", "s"}, {"option", "flag"}, {"allow_no_value", true}}, after);
  CHECK(after == "[s]\nk = v\nflag\n");
  CHECK(result["msg"] == "option added");
  json again = edit("[s]\nflag\n", {{"section", "s"}, {"option", "flag"}, {"allow_no_value", true}}, after);
  CHECK(again["changed"] == false);
  json section_only = edit("[a]\n", {{"section", "s"}, {"allow_no_value", true}}, after);
  CHECK(after == "[a]\n[s]\n");
  CHECK(section_only["msg"] == "only section added");
}

TEST_CASE("ini_file ends the last line, and reads CRLF and a BOM as Python's text mode does") {
  std::string after;
  json result = edit("[s]\no = v", {{"section", "s"}, {"option", "o"}, {"value", "v"}}, after);
  CHECK(after == "[s]\no = v\n");
  CHECK(result["changed"] == true);
  CHECK(result["msg"] == "OK");
  json crlf = edit("\xEF\xBB\xBF[s]\r\no = v\r\n", {{"section", "s"}, {"option", "o"}, {"value", "v"}}, after);
  CHECK(crlf["changed"] == false);
  edit("[s]\r\no = 1\r\n", {{"section", "s"}, {"option", "o"}, {"value", "2"}}, after);
  CHECK(after == "[s]\no = 2\n");
}

TEST_CASE("ini_file in check mode writes nothing; backup keeps the old file") {
  std::string after;
  json checked = edit("[s]\no = 1\n", {{"section", "s"}, {"option", "o"}, {"value", "2"}}, after, Check::yes, Diff::yes);
  CHECK(checked["changed"] == true);
  CHECK(after == "[s]\no = 1\n");
  CHECK(checked["diff"]["after"] == "[s]\no = 2\n");
  TempDir dir;
  std::string path = dir / "f.ini";
  write_text(path, "[s]\no = 1\n");
  json backed = run_module("ini_file", {{"path", path}, {"section", "s"}, {"option", "o"}, {"value", "2"}, {"backup", true}});
  CHECK(read_text(backed["backup_file"]) == "[s]\no = 1\n");
}

TEST_CASE("ini_file fails clearly for bad arguments and a missing file without create") {
  TempDir dir;
  std::string path = dir / "f.ini";
  CHECK(run_module("ini_file", {{"path", path}, {"section", "s"}, {"option", "o"}})["msg"] ==
        "Parameter 'value(s)' must be defined if state=present and allow_no_value=False.");
  CHECK(run_module("ini_file", {{"path", path}, {"section", "s"}, {"option", "o"}, {"value", "1"}, {"values", {"2"}}})["msg"] ==
        "parameters are mutually exclusive: value|values");
  json missing = run_module("ini_file", {{"path", path}, {"section", "s"}, {"option", "o"}, {"value", "1"}, {"create", false}});
  CHECK(missing["msg"] == "Destination " + path + " does not exist!");
  CHECK(missing["rc"] == 257);
  CHECK(!std::filesystem::exists(path));
}
