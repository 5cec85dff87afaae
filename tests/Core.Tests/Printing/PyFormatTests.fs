module Printing.PyFormatTests

open System
open System.Globalization
open Expecto
open Fluxion.Printing

let private doubleOfHex (h: string) = BitConverter.Int64BitsToDouble(Int64.Parse(h, NumberStyles.HexNumber))

[<Tests>]
let tests =
    testList "Printing.PyFormat" [
        testCase "fixed, sci and repr match CPython on every case of pyformat.json" <| fun () ->
            let d = TestData.json "pyformat.json"
            let mutable n = 0
            for c in d.GetProperty("cases").EnumerateArray() do
                let x = doubleOfHex (c.GetProperty("hex").GetString())
                let check (key: string) (actual: string) =
                    Expect.equal actual (c.GetProperty(key).GetString()) (sprintf "%s of %s (%.17g)" key (c.GetProperty("hex").GetString()) x)
                check "f4" (PyFormat.toFixed 4 x)
                check "f2" (PyFormat.toFixed 2 x)
                check "f0" (PyFormat.toFixed 0 x)
                check "e4" (PyFormat.toSci 4 x)
                check "e0" (PyFormat.toSci 0 x)
                check "repr" (PyFormat.floatRepr x)
                n <- n + 1
            Expect.isGreaterThan n 1000 "the vector file holds the random sweep"

        testCase "exact ties round half to even on the binary value" <| fun () ->
            Expect.equal (PyFormat.toFixed 4 0.03125) "0.0312" "0.03125 is exact in binary"
            Expect.equal (PyFormat.toFixed 0 2.5) "2" "2.5 -> 2"
            Expect.equal (PyFormat.toFixed 0 3.5) "4" "3.5 -> 4"
            Expect.equal (PyFormat.toFixed 4 -0.00004) "-0.0000" "negative values that round to zero keep the sign"
            Expect.equal (PyFormat.toSci 4 99998.5) "9.9998e+04" "a tie in the 6th digit stays on the even 8"
            Expect.equal (PyFormat.toSci 4 99999.5) "1.0000e+05" "a tie above an odd 9 carries into the exponent"
            Expect.equal (PyFormat.toSci 4 1e-300) "1.0000e-300" "three-digit exponents are not padded further"

        testCase "thousands grouping follows Python's format mini-language" <| fun () ->
            Expect.equal (PyFormat.intGrouped 1248L) "1,248" "four digits"
            Expect.equal (PyFormat.intGrouped 123L) "123" "three digits"
            Expect.equal (PyFormat.intGrouped -1234567L) "-1,234,567" "negative"
            Expect.equal (PyFormat.groupThousands "1000.00") "1,000.00" "decimals untouched"

        testCase "tuples and lists print like Python" <| fun () ->
            Expect.equal (PyFormat.tuple [| 3 |]) "(3,)" "one-element tuple keeps the comma"
            Expect.equal (PyFormat.tuple [| 2; 0 |]) "(2, 0)" "pair"
            Expect.equal (PyFormat.list [||]) "[]" "empty list"

        testCase "negative precision is rejected with the function name" <| fun () ->
            Expect.throwsC (fun () -> PyFormat.toFixed -1 1.0 |> ignore) (fun e ->
                Expect.isTrue (e :? ArgumentException) "ArgumentException"
                Expect.stringContains e.Message "PyFormat.toFixed" "names the function")
    ]
