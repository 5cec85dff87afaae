/// np.random.default_rng against numpy 1.24 (tests/data/numpy_generator.json, made by
/// tests/data/scripts/gen_numpy_generator.py): every draw bit for bit.
module Random.NumpyGeneratorTests

open System
open System.Numerics
open System.Text.Json
open Expecto
open Fluxion.Random
open RandomTestUtil

let private data = lazy (TestData.json "numpy_generator.json")
let private cases () = data.Value.GetProperty("cases").EnumerateArray() |> Seq.toList

let private seedsOf (c: JsonElement) =
    let s = c.GetProperty "seed"
    if s.ValueKind = JsonValueKind.Array then [| for v in s.EnumerateArray() -> BigInteger.Parse(v.GetString()) |]
    else [| BigInteger.Parse(s.GetString()) |]

let private rngOf (c: JsonElement) =
    let s = c.GetProperty "seed"
    if s.ValueKind = JsonValueKind.Array then NumpyGenerator(NumpySeedSequence.OfIntegers(seedsOf c))
    else NumpyGenerator.DefaultRng(BigInteger.Parse(s.GetString()))

let private seedName (c: JsonElement) = c.GetProperty("seed").ToString()
let private strs64 (e: JsonElement) = [| for v in e.EnumerateArray() -> Int64.Parse(v.GetString()) |]

let private expectBits64 (actual: float[]) (expected: float[]) (what: string) =
    Expect.equal actual.Length expected.Length (what + ": length")
    for i in 0 .. actual.Length - 1 do
        if BitConverter.DoubleToInt64Bits actual[i] <> BitConverter.DoubleToInt64Bits expected[i] then
            failtestf "%s: element %d is %.17g, expected %.17g" what i actual[i] expected[i]

[<Tests>]
let tests =
    testList "Random.NumpyGenerator" [
        testCase "SeedSequence: pool and generate_state for small, large and array seeds" <| fun () ->
            for c in cases () do
                let ss = if (c.GetProperty "seed").ValueKind = JsonValueKind.Array then NumpySeedSequence.OfIntegers(seedsOf c)
                         else NumpySeedSequence.OfInteger((seedsOf c)[0])
                Expect.equal (ss.Pool |> Array.map int64) (int64s (c.GetProperty "pool")) (seedName c + ": pool")
                Expect.equal (ss.GenerateState 8 |> Array.map int64) (int64s (c.GetProperty "state32")) (seedName c + ": generate_state")

        testCase "PCG64 raw outputs, random() and random(size)" <| fun () ->
            for c in cases () do
                let g = rngOf c
                Expect.equal [| for _ in 1 .. 5 -> g.NextUInt64() |] [| for v in c.GetProperty("raw").EnumerateArray() -> UInt64.Parse(v.GetString()) |] (seedName c + ": raw")
                let g = rngOf c
                expectBits64 (g.Random 7) (hex64 (c.GetProperty "random")) (seedName c + ": random(7)")
                expectBits64 [| g.Random() |] (hex64 (c.GetProperty "random_scalar")) (seedName c + ": random()")

        testCase "integers: 32-bit and 64-bit Lemire ranges, full range, endpoint, scalar draws" <| fun () ->
            for c in cases () do
                let g = rngOf c
                for e in c.GetProperty("integers").EnumerateArray() do
                    let lo, hi = Int64.Parse(e.GetProperty("low").GetString()), Int64.Parse(e.GetProperty("high").GetString())
                    match e.TryGetProperty "values" with
                    | true, v -> Expect.equal (g.Integers(lo, hi, 6)) (strs64 v) (sprintf "%s: integers(%d, %d, 6)" (seedName c) lo hi)
                    | _ -> Expect.equal (g.Integers(lo, hi)) (Int64.Parse(e.GetProperty("scalar").GetString())) (sprintf "%s: integers(%d, %d)" (seedName c) lo hi)
                Expect.equal (g.Integers(0L, 9L, 8, endpoint = true)) (strs64 (c.GetProperty "integers_endpoint")) (seedName c + ": endpoint")

        testCase "uniform, standard_normal (ziggurat incl. wedges and tail) and normal" <| fun () ->
            for c in cases () do
                let g = rngOf c
                expectBits64 (g.Uniform(-2.5, 7.0, 6)) (hex64 (c.GetProperty "uniform")) (seedName c + ": uniform")
                expectBits64 [| g.Uniform(0.1, 0.2) |] (hex64 (c.GetProperty "uniform_scalar")) (seedName c + ": uniform scalar")
                let g = rngOf c
                expectBits64 (g.StandardNormal 1000) (hex64 (c.GetProperty "standard_normal")) (seedName c + ": standard_normal")
                expectBits64 (g.Normal(1.5, 0.25, 5)) (hex64 (c.GetProperty "normal")) (seedName c + ": normal")
                expectBits64 [| g.Normal(-3.0, 2.0) |] (hex64 (c.GetProperty "normal_scalar")) (seedName c + ": normal scalar")

        testCase "choice: Floyd's algorithm and the tail shuffle without replacement, with replacement, over an array" <| fun () ->
            for c in cases () do
                let g = rngOf c
                for e in c.GetProperty("choice_noreplace").EnumerateArray() do
                    let n, k = e.GetProperty("n").GetInt64(), e.GetProperty("size").GetInt32()
                    Expect.equal (g.Choice(n, k, replace = false)) (int64s (e.GetProperty "values")) (sprintf "%s: choice(%d, %d, replace=False)" (seedName c) n k)
                Expect.equal (g.Choice(37L, 9)) (int64s (c.GetProperty "choice_replace")) (seedName c + ": choice(37, 9)")
                let ca = c.GetProperty "choice_array"
                Expect.equal (g.Choice(int64s (ca.GetProperty "candidates"), 5, replace = false)) (int64s (ca.GetProperty "values")) (seedName c + ": choice(array)")

        testCase "permutation and shuffle" <| fun () ->
            for c in cases () do
                let g = rngOf c
                Expect.equal (g.Permutation 15) (int64s (c.GetProperty "permutation")) (seedName c + ": permutation")
                let a = Array.init 9 int64
                g.Shuffle a
                Expect.equal a (int64s (c.GetProperty "shuffle")) (seedName c + ": shuffle")

        testCase "the course's Unit 9 recipe: integers, sorted choice without replacement, uniform, standard_normal" <| fun () ->
            let g = NumpyGenerator(0L)
            for e in data.Value.GetProperty("unit09_like").EnumerateArray() do
                let k = g.Integers(5L, 9L)
                Expect.equal k (e.GetProperty("K").GetInt64()) "K"
                let offset = g.Integers(0L, 6L)
                Expect.equal offset (e.GetProperty("offset").GetInt64()) "offset"
                let cands = [| offset .. 6L .. 199L |]
                Expect.equal (Array.sort (g.Choice(cands, int k, replace = false))) (int64s (e.GetProperty "centers")) "centers"
                expectBits64 [| g.Uniform(0.5, 1.5) |] [| BitConverter.UInt64BitsToDouble(Convert.ToUInt64(e.GetProperty("A").GetString(), 16)) |] "A"
                expectBits64 (g.StandardNormal 4) (hex64 (e.GetProperty "jitter")) "jitter"

        testCase "bad arguments: NumPy's conditions with .NET exceptions" <| fun () ->
            let g = NumpyGenerator(1L)
            Expect.throwsT<ArgumentOutOfRangeException> (fun () -> g.Integers(5L, 5L) |> ignore) "low >= high"
            Expect.throwsT<ArgumentOutOfRangeException> (fun () -> g.Choice(5L, 6, replace = false) |> ignore) "larger sample"
            Expect.throwsT<ArgumentOutOfRangeException> (fun () -> g.Normal(0.0, -1.0) |> ignore) "scale < 0"
            Expect.throwsT<ArgumentOutOfRangeException> (fun () -> NumpyGenerator(-1L) |> ignore) "negative seed"
            Expect.throwsT<ArgumentNullException> (fun () -> g.Choice((null: int[]), 1) |> ignore) "null population"
    ]
