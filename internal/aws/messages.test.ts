import { expect, test } from "bun:test";
import { withoutUrlCredentials } from "./sdk-errors.ts";
import { iniProblem } from "./shared-config.ts";
import { jsonObjectProblem } from "./whole-response.ts";

test("withoutUrlCredentials() matches its documented example", () => {
  expect(withoutUrlCredentials("http://admin:s3cret@127.0.0.1:8000/")).toBe("http://***@127.0.0.1:8000/");
});

test.each([
  ["https://user@dynamodb.local/", "https://***@dynamodb.local/"],
  ["cannot reach http://a:b@h:1/ or https://c:d@e/f", "cannot reach http://***@h:1/ or https://***@e/f"],
  ["http://127.0.0.1:8000/", "http://127.0.0.1:8000/"],
  ["mail alice@example.com", "mail alice@example.com"],
  ["http://h/path@not-userinfo", "http://h/path@not-userinfo"],
  [
    "cannot reach http://AKIA:pw@127.0.0.1:9/?X-Amz-Security-Token=TOKSECRET (ECONNREFUSED)",
    "cannot reach http://***@127.0.0.1:9/?*** (ECONNREFUSED)",
  ],
  ["https://s3.example/b/k?X-Amz-Signature=abc#frag and more", "https://s3.example/b/k?***#frag and more"],
  ["what? no URL here?", "what? no URL here?"],
])("withoutUrlCredentials(%p) is %p", (text, shown) => {
  expect(withoutUrlCredentials(text)).toBe(shown);
});

test("iniProblem() matches its documented example", () => {
  expect(iniProblem("[default]\nregion us-east-1\n")).toBe("line 2 is neither a [section] nor a name = value setting");
});

test.each([
  ["", undefined],
  ["# only a comment\n\n; another\n", undefined],
  ["[default]\nregion = us-east-1 # trailing\n[profile a]\ns3 =\n  max_concurrent_requests = 20\n", undefined],
  ["[sso-session s]\r\nsso_region=us-east-1\r\n", undefined],
  ["region = us-east-1\n", "line 1 is a setting outside any [section]"],
  ["[default\nregion = x\n", "line 1 opens a [section] without closing it"],
  ["[ ]\n", "line 1 is a section without a name"],
  ["[default]\n=x\n", "line 2 is neither a [section] nor a name = value setting"],
  ["garbage\n", "line 1 is neither a [section] nor a name = value setting"],
])("iniProblem(%p) is %p", (text, problem) => {
  expect(iniProblem(text)).toBe(problem);
});

test.each([
  ["{}", undefined, undefined],
  [' \n\t{"Items":[]}', undefined, undefined],
  ["", undefined, "an empty body"],
  ["  \n", undefined, "an empty body"],
  ["null", "application/x-amz-json-1.0", "a body that is not a JSON object (application/x-amz-json-1.0)"],
  ["[1]", undefined, "a body that is not a JSON object"],
  ["<html>", "text/html; charset=utf-8", "a body that is not a JSON object (text/html)"],
])("jsonObjectProblem(%p, %p) is %p", (body, contentType, problem) => {
  expect(jsonObjectProblem(new TextEncoder().encode(body), contentType)).toBe(problem);
});
