module Random.SamplingTests

open System
open Expecto
open Fluxion.Random
open RandomTestUtil

let private seeded (seed: int64) = Generator(0UL).ManualSeed seed

let private randJ () = TestData.json "rand.json"
let private randnJ () = TestData.json "randn.json"
let private extras () = TestData.json "random_extras.json"

[<Tests>]
let tests =
    testList "Random.Sampling" [
        testCase "rand32 matches torch.rand for every seed and size" <| fun () ->
            for c in (randJ ()).GetProperty("rand").EnumerateArray() do
                let seed = c.GetProperty("seed").GetInt64()
                let n = c.GetProperty("n").GetInt32()
                expectBits32 (Sampling.rand32 (seeded seed) n) (hex32 (c.GetProperty("values").GetProperty "hex")) (sprintf "rand seed %d n %d" seed n)

        testCase "rand64 matches torch.rand in float64" <| fun () ->
            for c in (randJ ()).GetProperty("rand_float64").EnumerateArray() do
                let seed = c.GetProperty("seed").GetInt64()
                let n = c.GetProperty("n").GetInt32()
                expectBits64 (Sampling.rand64 (seeded seed) n) (hex64 (c.GetProperty("values").GetProperty "hex")) (sprintf "rand64 seed %d" seed)

        testCase "uniform32 matches uniform_ with the fused a + x*(b-a)" <| fun () ->
            for c in (randJ ()).GetProperty("uniform_").EnumerateArray() do
                let seed = c.GetProperty("seed").GetInt64()
                let a = c.GetProperty("from").GetDouble()
                let b = c.GetProperty("to").GetDouble()
                let n = c.GetProperty("n").GetInt32()
                expectBits32 (Sampling.uniform32 (seeded seed) n a b) (hex32 (c.GetProperty("values").GetProperty "hex")) (sprintf "uniform_(%g,%g)" a b)

        testCase "uniform64 matches float64 uniform_" <| fun () ->
            let c = (extras ()).GetProperty("uniform_float64")
            let r = Sampling.uniform64 (seeded 0L) 20 (c.GetProperty("from").GetDouble()) (c.GetProperty("to").GetDouble())
            expectBits64 r (hex64 (c.GetProperty "hex")) "uniform64"

        testCase "successive rand calls continue one stream" <| fun () ->
            let c = (randJ ()).GetProperty("sequential_calls")
            let g = seeded (c.GetProperty("seed").GetInt64())
            let calls = [| for x in c.GetProperty("calls").EnumerateArray() -> x.GetString() |]
            let values = [| for x in c.GetProperty("values").EnumerateArray() -> hex32 (x.GetProperty "hex") |]
            for i in 0 .. calls.Length - 1 do
                expectBits32 (Sampling.rand32 g (callNumel calls[i])) values[i] calls[i]

        testCase "randn32 matches torch.randn on both the scalar (n<16) and vector (n>=16) paths" <| fun () ->
            for c in (randnJ ()).GetProperty("randn").EnumerateArray() do
                let seed = c.GetProperty("seed").GetInt64()
                let n = c.GetProperty("n").GetInt32()
                expectBits32 (Sampling.randn32 (seeded seed) n) (hex32 (c.GetProperty("values").GetProperty "hex")) (sprintf "randn seed %d n %d" seed n)

        testCase "randn64 matches torch.randn in float64" <| fun () ->
            for c in (randnJ ()).GetProperty("randn_float64").EnumerateArray() do
                let seed = c.GetProperty("seed").GetInt64()
                let n = c.GetProperty("n").GetInt32()
                expectBits64 (Sampling.randn64 (seeded seed) n) (hex64 (c.GetProperty("values").GetProperty "hex")) (sprintf "randn64 seed %d n %d" seed n)

        testCase "the cached normal survives a vector-path call and is returned by the next scalar call" <| fun () ->
            let c = (randnJ ()).GetProperty("cache_sequence")
            let g = seeded (c.GetProperty("seed").GetInt64())
            let calls = [| for x in c.GetProperty("calls").EnumerateArray() -> x.GetString() |]
            let values = [| for x in c.GetProperty("values").EnumerateArray() -> hex32 (x.GetProperty "hex") |]
            for i in 0 .. calls.Length - 1 do
                expectBits32 (Sampling.randn32 g (callNumel calls[i])) values[i] (sprintf "call %d %s" i calls[i])

        testCase "after randn(1) the cache holds the sine sample; reseeding drops it and redraws" <| fun () ->
            let g = seeded 5L
            let three = Sampling.randn32 g 2
            let g = seeded 5L
            let one = Sampling.randn32 g 1
            match Option.ofNullable g.NextDoubleNormal with
            | Some v -> Expect.equal (BitConverter.SingleToInt32Bits(float32 v)) (BitConverter.SingleToInt32Bits three[1]) "cached = second value of randn(2)"
            | None -> failtest "randn(1) should leave a cached normal"
            let drawsBefore = g.Clone()
            let second = Sampling.randn32 g 1
            expectBits32 second [| three[1] |] "second call returns the cache"
            Expect.equal (g.Next32()) (drawsBefore.Next32()) "returning the cache draws nothing"
            g.ManualSeed 5L |> ignore
            expectBits32 (Sampling.randn32 g 1) one "after reseeding the first value comes again"

        testCase "normal_(mean, std) matches torch in float32" <| fun () ->
            for c in (randnJ ()).GetProperty("normal_mean_std").EnumerateArray() do
                let seed = c.GetProperty("seed").GetInt64()
                let n = c.GetProperty("n").GetInt32()
                let m = c.GetProperty("mean").GetDouble()
                let s = c.GetProperty("std").GetDouble()
                expectBits32 (Sampling.normal32 (seeded seed) n m s) (hex32 (c.GetProperty("values").GetProperty "hex")) (sprintf "normal_(%g,%g) n %d" m s n)

        testCase "normal_(mean, std) matches torch for the extra float32 and float64 cases" <| fun () ->
            for c in (extras ()).GetProperty("normal").EnumerateArray() do
                let seed = c.GetProperty("seed").GetInt64()
                let n = c.GetProperty("n").GetInt32()
                let m = c.GetProperty("mean").GetDouble()
                let s = c.GetProperty("std").GetDouble()
                let what = sprintf "%s normal_(%g,%g) n %d" (c.GetProperty("dtype").GetString()) m s n
                if c.GetProperty("dtype").GetString() = "float64" then
                    expectBits64 (Sampling.normal64 (seeded seed) n m s) (hex64 (c.GetProperty "hex")) what
                else
                    expectBits32 (Sampling.normal32 (seeded seed) n m s) (hex32 (c.GetProperty "hex")) what

        testCase "randn(()) is the first scalar-path value" <| fun () ->
            for c in (randnJ ()).GetProperty("randn_0dim").EnumerateArray() do
                let seed = c.GetProperty("seed").GetInt64()
                expectBits32 (Sampling.randn32 (seeded seed) 1) (hex32 (c.GetProperty("value").GetProperty "hex")) (sprintf "0-dim seed %d" seed)

        testCase "2-D randn is the contiguous row-major vector path" <| fun () ->
            for c in (randnJ ()).GetProperty("randn_2d").EnumerateArray() do
                let seed = c.GetProperty("seed").GetInt64()
                let n = ints (c.GetProperty "shape") |> Array.fold (*) 1
                expectBits32 (Sampling.randn32 (seeded seed) n) (hex32 (c.GetProperty("values_row_major").GetProperty "hex")) (sprintf "2d n %d" n)

        testCase "randn32Scalar uses the scalar path for any n, as non-contiguous targets do" <| fun () ->
            // The scalar path for 16 values equals the first 16 of an n<16-style sequence: randn(15) then one more.
            let g = seeded 0L
            let a = Sampling.randn32Scalar g 16
            let g = seeded 0L
            let b = Array.append (Sampling.randn32 g 15) (Sampling.randn32 g 1)
            expectBits32 a b "scalar path continues the pairwise cache"
            let v = Sampling.randn32 (seeded 0L) 16
            Expect.notEqual (BitConverter.SingleToInt32Bits a[0]) (BitConverter.SingleToInt32Bits v[0]) "vector path differs"

        testCase "randint matches torch.randint including 64-bit ranges" <| fun () ->
            for c in (extras ()).GetProperty("randint").EnumerateArray() do
                let seed = c.GetProperty("seed").GetInt64()
                let lo = c.GetProperty("low").GetInt64()
                let hi = c.GetProperty("high").GetInt64()
                let expected = int64s (c.GetProperty "values")
                Expect.equal (Sampling.randint (seeded seed) lo hi expected.Length) expected (sprintf "randint(%d,%d)" lo hi)

        testCase "randperm matches torch.randperm and consumes n-1 draws" <| fun () ->
            for c in (TestData.json "randperm.json").GetProperty("cases").EnumerateArray() do
                let seed = c.GetProperty("seed").GetInt64()
                let n = c.GetProperty("n").GetInt32()
                let g = seeded seed
                Expect.equal (Sampling.randperm g n) (int64s (c.GetProperty "perm")) (sprintf "randperm(%d) seed %d" n seed)
                Expect.equal (Sampling.randint g 0L (1L <<< 31) 1) [| c.GetProperty("randint_0_2pow31_after").GetInt64() |] "draws consumed"

        testCase "bad arguments raise ArgumentException" <| fun () ->
            let g = seeded 0L
            Expect.throwsT<ArgumentException> (fun () -> Sampling.randint g 5L 5L 1 |> ignore) "low >= high"
            Expect.throwsT<ArgumentException> (fun () -> Sampling.rand32 g -1 |> ignore) "negative n"
            Expect.throwsT<ArgumentException> (fun () -> Sampling.uniform32 g 3 1.0 0.0 |> ignore) "a > b"
            Expect.throwsT<ArgumentException> (fun () -> Sampling.normal32 g 20 0.0 -1.0 |> ignore) "negative std"
    ]
