#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "core/template/ansible_filters.hpp"
#include "core/template/ansible_support.hpp"
#include "core/value/json.hpp"

using namespace drover;
using namespace drover::tmpl;

namespace {

Value call(std::string_view name, const Value& in, List positional = {}, Map keyword = {}) {
  for (const FilterRow& row : ansible_filters())
    if (row.name == name) return row.fn(in, CallArgs{std::move(positional), std::move(keyword)});
  FAIL("no filter " << name);
  return Value();
}

std::string json(const Value& v) { return dump_json(v); }

Value parse(std::string_view text) { return parse_json(text, "test"); }

}  // namespace

TEST_CASE("the filter table is alphabetized and has no duplicate names") {
  auto rows = ansible_filters();
  REQUIRE(rows.size() > 40);
  for (std::size_t i = 1; i < rows.size(); ++i) CHECK(rows[i - 1].name < rows[i].name);
}

TEST_CASE("to_json keeps key order and escapes non-ASCII; to_nice_json sorts and indents by 4") {
  Value v = parse(R"({"b": 1, "a": "é"})");
  CHECK(call("to_json", v).as_string() == R"({"b": 1, "a": "\u00e9"})");
  CHECK(call("to_nice_json", v).as_string() == "{\n    \"a\": \"\\u00e9\",\n    \"b\": 1\n}");
}

TEST_CASE("from_json and from_yaml parse text and from_json rejects bad JSON") {
  CHECK(json(call("from_json", Value(R"({"a": [1, null]})"))) == R"({"a": [1, null]})");
  CHECK(json(call("from_yaml", Value("a: yes\nb: 0644\n"))) == R"({"a": true, "b": 420})");
  CHECK_THROWS_AS(call("from_json", Value("{nope")), TemplateError);
}

TEST_CASE("to_yaml writes leaf collections inline and to_nice_yaml writes PyYAML's block style") {
  Value v = parse(R"({"b": [1, 2], "a": {"c": "yes", "d": [{"e": 1}]}})");
  CHECK(call("to_yaml", v).as_string() == "a:\n  c: 'yes'\n  d:\n  - {e: 1}\nb: [1, 2]\n");
  CHECK(call("to_nice_yaml", v).as_string() == "a:\n    c: 'yes'\n    d:\n    -   e: 1\nb:\n- 1\n- 2\n");
  CHECK(call("to_nice_yaml", parse(R"({"s": "a:b", "t": "a: b", "u": "tab\there"})")).as_string() ==
        "s: a:b\nt: 'a: b'\nu: \"tab\\there\"\n");
}

TEST_CASE("combine merges shallowly by default, recursively on request, with list_merge modes") {
  Value a = parse(R"({"x": {"p": 1}, "l": [1, 2]})");
  Value b = parse(R"({"x": {"q": 2}, "l": [2, 3]})");
  CHECK(json(call("combine", a, {b})) == R"({"x": {"q": 2}, "l": [2, 3]})");
  CHECK(json(call("combine", a, {b}, Map{{"recursive", true}})) == R"({"x": {"p": 1, "q": 2}, "l": [2, 3]})");
  CHECK(json(call("combine", a, {b}, Map{{"list_merge", "append_rp"}})) == R"({"x": {"q": 2}, "l": [1, 2, 3]})");
  CHECK(json(call("combine", a, {b}, Map{{"list_merge", "prepend"}})) == R"({"x": {"q": 2}, "l": [2, 3, 1, 2]})");
  CHECK_THROWS_WITH_AS(call("combine", a, {b}, Map{{"bogus", 1}}),
                       "'recursive' and 'list_merge' are the only valid keyword arguments", TemplateError);
}

TEST_CASE("dict2items and items2dict are inverses and name the wrong input type") {
  Value d = parse(R"({"a": 1, "b": 2})");
  Value items = call("dict2items", d);
  CHECK(json(items) == R"([{"key": "a", "value": 1}, {"key": "b", "value": 2}])");
  CHECK(json(call("items2dict", items)) == json(d));
  CHECK_THROWS_WITH_AS(call("dict2items", Value::list()), "dict2items requires a dictionary, got <class 'list'> instead.",
                       TemplateError);
}

TEST_CASE("regex_replace understands Python groups, named groups and flags") {
  CHECK(call("regex_replace", Value("k=v"), {"^(\\w)=(\\w)$", "\\2=\\1"}).as_string() == "v=k");
  CHECK(call("regex_replace", Value("k=v"), {"(?P<a>\\w)=(?P<b>\\w)", "\\g<b>\\g<1>"}).as_string() == "vk");
  CHECK(call("regex_replace", Value("AbA"), {"a", "x"}, Map{{"ignorecase", true}}).as_string() == "xbx");
  CHECK(call("regex_replace", Value("a\nb"), {"^", "#"}, Map{{"multiline", true}}).as_string() == "#a\n#b");
  CHECK_THROWS_AS(call("regex_replace", Value("x"), {"(", "y"}), TemplateError);
}

TEST_CASE("regex_search returns the match, the requested groups, or None") {
  CHECK(call("regex_search", Value("ab12cd"), {"\\d+"}).as_string() == "12");
  CHECK(call("regex_search", Value("ab"), {"\\d+"}).is_null());
  CHECK(json(call("regex_search", Value("k=v"), {"(\\w)=(?P<v>\\w)", "\\g<v>", "\\1"})) == R"(["v", "k"])");
  CHECK(json(call("regex_findall", Value("a=1 b=2"), {"(\\w)=(\\d)"})) == R"([["a", "1"], ["b", "2"]])");
  CHECK(call("regex_escape", Value("a.b*c")).as_string() == "a\\.b\\*c");
}

TEST_CASE("ternary, bool and type_debug follow Ansible") {
  CHECK(call("ternary", Value(), {"t", "f", "n"}).as_string() == "n");
  CHECK(call("ternary", Value(0), {"t", "f"}).as_string() == "f");
  CHECK(call("bool", Value("On")).as_bool());
  CHECK_FALSE(call("bool", Value(2)).as_bool());
  CHECK(call("bool", Value()).is_null());
  CHECK(call("type_debug", Value::map()).as_string() == "dict");
  CHECK(call("mandatory", Value(5)).as_int() == 5);
}

TEST_CASE("quote and comment produce shell quoting and comment blocks") {
  CHECK(call("quote", Value("it's")).as_string() == "'it'\"'\"'s'");
  CHECK(call("quote", Value("safe/path-1")).as_string() == "safe/path-1");
  CHECK(call("comment", Value("a\nb")).as_string() == "#\n# a\n# b\n#");
  CHECK(call("comment", Value("x"), {"cblock"}).as_string() == "/*\n *\n * x\n *\n */");
}

TEST_CASE("list filters flatten, deduplicate and combine lists as Ansible does") {
  CHECK(json(call("flatten", parse(R"([1, [2, [3]], null])"))) == "[1, 2, 3]");
  CHECK(json(call("flatten", parse(R"([1, [2, [3]]])"), {}, Map{{"levels", 1}})) == "[1, 2, [3]]");
  CHECK(json(call("unique", parse(R"(["a", "A", "b"])"))) == R"(["a", "b"])");
  CHECK(json(call("union", parse("[1, 2]"), {parse("[2, 3]")})) == "[1, 2, 3]");
  CHECK(json(call("intersect", parse("[1, 2, 3]"), {parse("[3, 2]")})) == "[2, 3]");
  CHECK(json(call("difference", parse("[1, 2, 3]"), {parse("[2]")})) == "[1, 3]");
  CHECK(json(call("symmetric_difference", parse("[1, 2]"), {parse("[2, 3]")})) == "[1, 3]");
  CHECK(json(call("zip", parse("[1, 2, 3]"), {parse(R"(["a", "b"])")})) == R"([[1, "a"], [2, "b"]])");
  CHECK(json(call("zip_longest", parse("[1]"), {parse("[2, 3]")})) == "[[1, 2], [null, 3]]");
}

TEST_CASE("subelements pairs each element with each item of its sub-list") {
  Value users = parse(R"([{"n": "a", "g": [1, 2]}, {"n": "b", "g": [3]}])");
  Value out = call("subelements", users, {"g"});
  REQUIRE(out.as_list().size() == 3);
  CHECK(json(out.as_list()[2]) == R"([{"n": "b", "g": [3]}, 3])");
  CHECK_THROWS_AS(call("subelements", parse(R"([{"n": 1}])"), {"g"}), TemplateError);
}

TEST_CASE("path filters behave like os.path") {
  CHECK(call("basename", Value("/a/b.txt")).as_string() == "b.txt");
  CHECK(call("dirname", Value("/a/b.txt")).as_string() == "/a");
  CHECK(json(call("splitext", Value("/x/a.tar.gz"))) == R"(["/x/a.tar", ".gz"])");
  CHECK(call("relpath", Value("/a/b/c"), {"/a/d"}).as_string() == "../b/c");
  CHECK(call("path_join", parse(R"(["/etc", "ssh"])")).as_string() == "/etc/ssh");
  CHECK(call("realpath", Value("/etc/../etc/./")).as_string() == "/etc");
}

TEST_CASE("hashes, base64 and UUIDs match Python's") {
  CHECK(call("hash", Value("abc"), {"md5"}).as_string() == "900150983cd24fb0d6963f7d28e17f72");
  CHECK(call("sha1", Value("abc")).as_string() == "a9993e364706816aba3e25717850c26c9cd0d89d");
  CHECK(call("b64encode", Value("hi!")).as_string() == "aGkh");
  CHECK(call("b64decode", Value("aGkh")).as_string() == "hi!");
  CHECK(call("to_uuid", Value("drover")).as_string() == "db5d7d90-5db6-5ffd-af70-0efc0fa35aac");
}

TEST_CASE("SHA-crypt matches glibc's test vectors and password_hash uses Ansible's default rounds") {
  CHECK(sha_crypt(5, "Hello world!", "saltstring", 0) == "$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5");
  CHECK(sha_crypt(6, "Hello world!", "saltstringsaltstring", 10000) ==
        "$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/"
        "YTBmSK6H9qs/y3RnOaw5v.");
  std::string h = call("password_hash", Value("pw"), {"sha512"}, Map{{"rounds", 5000}}).as_string();
  CHECK(h.rfind("$6$", 0) == 0);
  CHECK(h.size() == 3 + 16 + 1 + 86);
}

TEST_CASE("seeded random and shuffle repeat CPython's random.Random") {
  CHECK(call("random", Value(100), {}, Map{{"seed", 42}}).as_int() == 81);
  CHECK(call("random", Value(1000), {}, Map{{"seed", "host"}}).as_int() == 94);
  CHECK(json(call("shuffle", parse("[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]"), {"s"})) == "[3, 2, 1, 4, 8, 0, 6, 5, 9, 7]");
  Value r = call("random", Value(10));
  CHECK((r.as_int() >= 0 && r.as_int() < 10));
}

TEST_CASE("sizes convert both ways with Ansible's units") {
  CHECK(call("human_readable", Value(1024)).as_string() == "1.00 KB");
  CHECK(call("human_readable", Value(1024), {true}).as_string() == "1.00 Kb");
  CHECK(call("human_to_bytes", Value("10M")).as_int() == 10485760);
  CHECK(call("human_to_bytes", Value("1Mb"), {}, Map{{"isbits", true}}).as_int() == 1048576);
  CHECK_THROWS_AS(call("human_to_bytes", Value("1Mb")), TemplateError);
}

TEST_CASE("strftime, to_datetime, split and urlsplit") {
  CHECK(call("strftime", Value("%Y-%m-%d"), {0}, Map{{"utc", true}}).as_string() == "1970-01-01");
  CHECK(call("to_datetime", Value("2021-02-03 04:05:06")).as_string() == "2021-02-03 04:05:06");
  CHECK_THROWS_AS(call("to_datetime", Value("2021-02-03")), TemplateError);
  CHECK(json(call("split", Value(" a  b "))) == R"(["a", "b"])");
  CHECK(call("urlsplit", Value("https://h.example:8443/p?q=1"), {"port"}).as_int() == 8443);
}
