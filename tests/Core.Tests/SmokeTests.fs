module SmokeTests

open Expecto

[<Tests>]
let tests =
    testList "smoke" [
        testCase "data files are shipped next to the tests" <| fun () ->
            let d = TestData.json "mt19937.json"
            Expect.isTrue (d.ValueKind = System.Text.Json.JsonValueKind.Object) "mt19937.json parses"
    ]
