// Secret taint through the template engine (issue 11): whatever an expression computes from a
// secret is secret, whichever filter, test, method, operator or call made it.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/secrets/redactor.hpp"
#include "core/template/templar.hpp"
#include "core/value/json.hpp"

using namespace drover;
using namespace drover::tmpl;

namespace {

Value secret_vars() {
  Value m = parse_json(R"({"public": "plain-text", "items": ["a", "b"], "n": 3})", "test");
  m.mutable_map().set("pw", Value(std::string("Hunter2-Secret"), Mark::secret));
  Map creds;
  creds.set("user", Value("admin"));
  creds.set("password", Value(std::string("db-Pass-123"), Mark::secret));
  m.mutable_map().set("creds", Value(std::move(creds)));
  m.mutable_map().set("pws", Value(List{Value(std::string("first-secret"), Mark::secret),
                                         Value(std::string("second-secret"), Mark::secret)}));
  return m;
}

Value eval(const std::string& src) {
  MapVariables v(secret_vars());
  Templar t(v);
  return t.template_value(Value(src));
}

// The text drover would print for the value, masked by a redactor that saw only the value's
// marks (as the event bus registers a result's marked strings before anyone prints it).
std::string printed(const Value& v) {
  secrets::Redactor r;
  r.add_marked(v);
  return r.mask(dump_json(v));
}

}  // namespace

TEST_CASE("every filter family keeps a value derived from a secret secret") {
  const std::vector<std::string> derived = {
      // string case and shape
      "{{ pw | upper }}", "{{ pw | lower }}", "{{ pw | capitalize }}", "{{ pw | title }}",
      "{{ pw | swapcase if false else pw | center(30) }}", "{{ pw | trim }}", "{{ pw | indent(2) }}",
      "{{ pw | truncate(8, true, '') }}", "{{ pw | wordwrap(4) }}", "{{ pw | replace('Hunter', 'H') }}",
      "{{ pw | reverse | join }}", "{{ pw | list | join('.') }}", "{{ pw | string }}", "{{ pw | quote }}",
      "{{ pw | comment }}", "{{ pw | format }}", "{{ '%s!' | format(pw) }}",
      // regular expressions
      "{{ pw | regex_replace('Secret', 'S') }}", "{{ pw | regex_search('[A-Z][a-z]+') }}",
      "{{ pw | regex_findall('[a-z]+') }}", "{{ pw | regex_escape }}",
      // encodings and digests
      "{{ pw | b64encode }}", "{{ pw | b64encode | b64decode }}", "{{ pw | urlencode }}",
      "{{ pw | to_json }}", "{{ pw | to_nice_json }}", "{{ pw | to_yaml }}", "{{ pw | hash('sha1') }}",
      "{{ pw | checksum }}", "{{ pw | md5 }}", "{{ pw | password_hash('sha512', 'saltsalt') }}",
      "{{ creds | to_json }}", "{{ creds | to_nice_yaml }}", "{{ creds | string }}",
      // lists and dicts
      "{{ pw | split('-') }}", "{{ pws | map('upper') | list }}", "{{ pws | join(',') }}",
      "{{ pws | first | upper }}", "{{ pws | last }}", "{{ pws | select('match', 'f') | list }}",
      "{{ pws | sort | list }}", "{{ pws | unique }}", "{{ creds | dict2items }}",
      "{{ creds | dict2items | map(attribute='value') | map('lower') | list }}",
      "{{ creds | combine({'x': 1}) }}", "{{ [creds] | map(attribute='password') | list }}",
      "{{ {'p': pw} | items | list }}", "{{ pw | default('x') }}", "{{ pw | mandatory }}",
      "{{ true | ternary(pw, 'no') }}", "{{ (pw, 1) | list }}",
      // slices, items, methods
      "{{ pw[0:5] }}", "{{ pw[::-1] }}", "{{ pw[3:] }}", "{{ pw.upper() }}", "{{ pw.replace('-', '') }}",
      "{{ pw.split('-') }}", "{{ '{}:{}'.format('u', pw) }}", "{{ '-'.join([pw, 'x']) }}",
      "{{ creds['password'] }}", "{{ creds.password.lower() }}",
      // operators and concatenation
      "{{ pw ~ 'x' }}", "{{ 'x' + pw }}", "{{ pw * 2 }}", "{{ 'pw=%s' % pw }}", "{{ 'v=%s' % (pw,) }}",
      "{{ 'x' ~ pws }}", "pw is {{ pw | upper }}", "{% for c in pws %}{{ c | upper }}{% endfor %}",
      "{% set x = pw | lower %}{{ x }}", "{% filter upper %}{{ pw }}{% endfilter %}",
      "{% macro m(v) %}<{{ v | upper }}>{% endmacro %}{{ m(pw) }}",
  };
  for (const auto& src : derived) {
    CAPTURE(src);
    Value v = eval(src);
    CHECK(v.contains_secret());
    std::string out = printed(v);
    CHECK(out.find("unter2") == std::string::npos);
    CHECK(out.find("UNTER2") == std::string::npos);
    CHECK(out.find("irst-secret") == std::string::npos);
    CHECK(out.find("Pass-123") == std::string::npos);
  }
}

TEST_CASE("values computed without a secret stay public") {
  for (const std::string src : {"{{ public | upper }}", "{{ items | map('upper') | list }}", "{{ public[0:5] }}",
                                "{{ 'x' ~ public }}", "{{ creds.user | upper }}", "{{ n * 2 }}",
                                "{{ public.replace('-', '') }}", "{{ '%s' % public }}"}) {
    CAPTURE(src);
    CHECK_FALSE(eval(src).contains_secret());
  }
}

TEST_CASE("a container that passes secrets through keeps its public keys and values public") {
  Value v = eval("{{ creds | dict2items }}");
  REQUIRE(v.is_list());
  const Value& user = v.as_list()[0];
  CHECK_FALSE(user.get("key").is_secret());
  CHECK_FALSE(user.get("value").is_secret());
  CHECK(v.as_list()[1].get("value").is_secret());
}

TEST_CASE("the length or truth of a secret is not itself secret") {
  CHECK(eval("{{ pw | length }}") == Value("14"));
  CHECK_FALSE(eval("{{ pw | length }}").contains_secret());
  CHECK(eval("{{ pw is match('H') }}") == Value(true));
}
