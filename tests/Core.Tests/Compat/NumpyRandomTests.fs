module Compat.NumpyRandomTests

open System.Text.Json
open Expecto
open Fluxion.Random
open Compat.CompatTestUtil

let private scenarios () =
    (TestData.json "numpy_random.json").GetProperty("scenarios").EnumerateArray() |> Seq.toList

let private sizeOf (op: JsonElement) =
    match op.TryGetProperty "size" with
    | true, s when s.ValueKind = JsonValueKind.Number -> Some(s.GetInt32())
    | _ -> None

let private newState (seed: JsonElement) =
    if seed.ValueKind = JsonValueKind.Array then NumpyRandomState(int64s seed) else NumpyRandomState(seed.GetInt64())

/// Replays one recorded call and returns its output as doubles or integers.
let private replay (rs: NumpyRandomState) (op: JsonElement) : Choice<float[], int64[], unit> =
    let size = sizeOf op
    let f (name: string) = op.GetProperty(name).GetDouble()
    let i (name: string) = op.GetProperty(name).GetInt64()
    let floats one many =
        match size with
        | Some n -> Choice1Of3(many n)
        | None -> Choice1Of3 [| one () |]
    match op.GetProperty("op").GetString() with
    | "seed" ->
        let s = op.GetProperty "seed"
        if s.ValueKind = JsonValueKind.Array then rs.Seed(int64s s) else rs.Seed(s.GetInt64())
        Choice3Of3()
    | "random_sample" -> floats rs.RandomSample rs.RandomSample
    | "rand" -> floats rs.Rand rs.Rand
    | "uniform" -> floats (fun () -> rs.Uniform(f "low", f "high")) (fun n -> rs.Uniform(f "low", f "high", n))
    | "normal" -> floats (fun () -> rs.Normal(f "loc", f "scale")) (fun n -> rs.Normal(f "loc", f "scale", n))
    | "randn" -> floats rs.Randn rs.Randn
    | "standard_normal" -> floats rs.StandardNormal rs.StandardNormal
    | "randint" ->
        match size with
        | Some n -> Choice2Of3(rs.Randint(i "low", i "high", n))
        | None -> Choice2Of3 [| rs.Randint(i "low", i "high") |]
    | "permutation" -> Choice2Of3(rs.Permutation(op.GetProperty("n").GetInt32()))
    | "shuffle" ->
        let a = Array.init (op.GetProperty("n").GetInt32()) int64
        rs.Shuffle a
        Choice2Of3 a
    | "choice" ->
        Choice2Of3(rs.Choice(op.GetProperty("n").GetInt32(), size.Value, op.GetProperty("replace").GetBoolean()))
    | other -> failtestf "unknown op %s" other

[<Tests>]
let tests =
    testList "Compat.NumpyRandom" [
        testCase "every recorded call sequence matches numpy's legacy RandomState bit for bit" <| fun () ->
            let mutable calls = 0
            for sc in scenarios () do
                let rs = newState (sc.GetProperty "seed")
                for op in sc.GetProperty("ops").EnumerateArray() do
                    let what = sprintf "seed %s, %s" (sc.GetProperty("seed").GetRawText()) (label op)
                    match replay rs op with
                    | Choice1Of3 got -> equalBits got (hexDoubles (op.GetProperty "out")) what
                    | Choice2Of3 got -> Expect.equal got (int64s (op.GetProperty "out")) what
                    | Choice3Of3() -> ()
                    calls <- calls + 1
            Expect.isGreaterThan calls 200 "enough recorded calls"

        testCase "the course's waveform recipe: uniform draws, randint(0, 2) takes one 32-bit word" <| fun () ->
            let rs = NumpyRandomState(0L)
            let twin = NumpyRandomState(0L)
            rs.Uniform(1.0, 13.0) |> ignore
            rs.Uniform(0.0, 1.0) |> ignore
            rs.Uniform(0.0, 1.0) |> ignore
            for _ in 1 .. 6 do twin.NextUInt32() |> ignore
            let bit = rs.Randint(0L, 2L)
            Expect.equal bit (int64 (twin.NextUInt32() &&& 1u)) "masked draw of one word"
            Expect.equal (rs.NextUInt32()) (twin.NextUInt32()) "streams stay aligned"

        testCase "seeding resets the cached normal; an odd count leaves one for the next call" <| fun () ->
            let rs = NumpyRandomState(3L)
            let first = rs.Randn()
            let cached = rs.Randn()
            rs.Seed 3L
            Expect.equal (rs.Randn()) first "same first normal after reseeding"
            rs.Seed 3L
            let pair = rs.Normal(0.0, 1.0, 2)
            Expect.equal pair [| first; cached |] "the second of a pair is the cached value"

        testCase "bad arguments raise numpy's messages" <| fun () ->
            let rs = NumpyRandomState(0L)
            throwsWith<System.ArgumentOutOfRangeException> (fun () -> rs.Seed(-1L)) "Seed must be between 0 and 2**32 - 1" "negative seed"
            throwsWith<System.ArgumentOutOfRangeException> (fun () -> rs.Seed(4294967296L)) "Seed must be between 0 and 2**32 - 1" "seed too big"
            throwsWith<System.ArgumentException> (fun () -> rs.Seed(Array.empty<int64>)) "Seed must be non-empty" "empty key"
            throwsWith<System.ArgumentException> (fun () -> rs.Randint(3L, 3L) |> ignore) "low >= high" "empty range"
            throwsWith<System.ArgumentOutOfRangeException> (fun () -> rs.Normal(0.0, -1.0) |> ignore) "scale < 0" "negative scale"
            throwsWith<System.OverflowException> (fun () -> rs.Uniform(0.0, infinity) |> ignore) "Range exceeds valid bounds" "infinite range"
            throwsWith<System.ArgumentException> (fun () -> rs.Choice(5, 6, false) |> ignore) "Cannot take a larger sample than population when 'replace=False'" "choice"
            throwsWith<System.ArgumentOutOfRangeException> (fun () -> rs.Randn(-1) |> ignore) "negative dimensions are not allowed" "negative size"

        testCase "one state shared by threads hands out each draw once" <| fun () ->
            let rs = NumpyRandomState(7L)
            let got = Array.Parallel.init 8 (fun _ -> Array.init 500 (fun _ -> rs.Randint(0L, 1L <<< 40)))
            let single = NumpyRandomState(7L).Randint(0L, 1L <<< 40, 4000)
            Expect.equal (Array.sort (Array.concat got)) (Array.sort single) "same multiset of draws"
    ]

// The process-wide state is shared, so these run one at a time.
[<Tests>]
let sequencedTests =
    testSequenced
    <| testList "Compat.NumpyRandom.Default" [
        testCase "Default mirrors np.random.seed(0); np.random.uniform(0, 8)" <| fun () ->
            NumpyRandomState.Default.Seed 0L
            let a = NumpyRandomState.Default.Uniform(0.0, 8.0)
            Expect.equal a (NumpyRandomState(0L).Uniform(0.0, 8.0)) "default equals a fresh state"
            Expect.equal (System.BitConverter.DoubleToInt64Bits a) 0x40118fe1565f12a8L "np.random.seed(0); np.random.uniform(0, 8)"
    ]
