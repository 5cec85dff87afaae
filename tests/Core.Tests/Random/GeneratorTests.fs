module Random.GeneratorTests

open System
open System.Buffers.Binary
open Expecto
open Fluxion.Random
open RandomTestUtil

let private cases () = (TestData.json "mt19937.json").GetProperty("cases").EnumerateArray() |> Seq.toList

let private seeded (seed: int64) = Generator(0UL).ManualSeed seed

let private extras () = TestData.json "random_extras.json"

[<Tests>]
let tests =
    testList "Random.Generator" [
        testCase "seeding fills the MT state like torch.get_rng_state and stores the seed modulo 2^64" <| fun () ->
            for c in cases () do
                let seed = c.GetProperty("seed").GetInt64()
                let g = seeded seed
                Expect.equal g.InitialSeed (c.GetProperty("stored_seed_u64").GetUInt64()) (sprintf "seed %d stored" seed)
                let st = g.GetState()
                let words = Array.init 5 (fun i -> BinaryPrimitives.ReadUInt64LittleEndian(ReadOnlySpan(st, 24 + 8 * i, 8)))
                Expect.equal words (uint64s (c.GetProperty "state_first5_after_seeding")) (sprintf "seed %d state words" seed)

        testCase "32-bit and 64-bit draws equal the engine outputs of the vectors" <| fun () ->
            for c in cases () do
                let seed = c.GetProperty("seed").GetInt64()
                let g = seeded seed
                let d32 = Array.init 10 (fun _ -> uint64 (g.Next32()))
                Expect.equal d32 (uint64s (c.GetProperty "first10_uint32")) (sprintf "seed %d next32" seed)
                let g = seeded seed
                let d64 = Array.init 3 (fun _ -> g.Next64())
                Expect.equal d64 (uint64s (c.GetProperty "first3_uint64_(hi_then_lo)")) (sprintf "seed %d next64" seed)

        testCase "int64 random_ is next64 mod 2^63 and randint(0,10) uses next32" <| fun () ->
            for c in cases () do
                let seed = c.GetProperty("seed").GetInt64()
                let g = seeded seed
                let r = Array.init 5 (fun _ -> int64 (g.Next64() % (1UL <<< 63)))
                Expect.equal r (int64s (c.GetProperty "torch_int64_random_")) (sprintf "seed %d random_" seed)
                let g = seeded seed
                Expect.equal (Sampling.randint g 0L 10L 6) (int64s (c.GetProperty "torch_randint_0_10")) (sprintf "seed %d randint" seed)

        testCase "the uint64 overload seeds like the wrapped int64 seed" <| fun () ->
            let a = seeded -1L
            let b = Generator(0UL)
            b.ManualSeed UInt64.MaxValue |> ignore
            Expect.equal (a.GetState()) (b.GetState()) "-1 and 2^64-1 give the same state"
            Expect.equal (Generator(42UL).GetState()) ((seeded 42L).GetState()) "constructor seed = ManualSeed"

        testCase "GetState produces torch.get_rng_state bytes, including the cached normal" <| fun () ->
            for c in (extras ()).GetProperty("rng_state").EnumerateArray() do
                let g = Generator(0UL)
                let seed = c.GetProperty("seed")
                let mutable signed = 0L
                (if seed.TryGetInt64(&signed) then g.ManualSeed signed else g.ManualSeed(seed.GetUInt64())) |> ignore
                let n = callNumel (c.GetProperty("calls").GetString())
                match fst (parseCall (c.GetProperty("calls").GetString())) with
                | "randn" -> Sampling.randn32 g n |> ignore
                | _ -> Sampling.rand32 g n |> ignore
                let expected = Convert.FromBase64String(c.GetProperty("rng_state_b64").GetString())
                Expect.equal (g.GetState()) expected (c.GetProperty("calls").GetString())

        testCase "SetState restores torch's bytes so draws continue identically" <| fun () ->
            let c = (extras ()).GetProperty("rng_state")[0]
            let bytes = Convert.FromBase64String(c.GetProperty("rng_state_b64").GetString())
            let g = Generator(999UL)
            g.SetState bytes
            // seed 5, randn(1) left the sine sample cached: the next scalar normal returns it without drawing.
            let reference = seeded 5L
            let first = Sampling.randn32 reference 2
            Expect.equal (BitConverter.SingleToInt32Bits((Sampling.randn32 g 1)[0])) (BitConverter.SingleToInt32Bits first[1]) "cached sample"
            Expect.equal (g.Next32()) (reference.Next32()) "stream continues"

        testCase "Clone forks the full state: both copies then produce the same values independently" <| fun () ->
            let g = seeded 7L
            Sampling.randn32 g 3 |> ignore // leaves a cached normal
            let f = g.Clone()
            let a = Sampling.randn32 g 5
            let b = Sampling.randn32 f 5
            expectBits32 a b "clone"
            Expect.equal (g.Next64()) (f.Next64()) "engine"
            Expect.equal f.InitialSeed 7UL "seed kept"

        testCase "reseeding clears the cached normal, so the first value repeats" <| fun () ->
            let g = seeded 11L
            let first = Sampling.randn32 g 1
            Expect.isTrue g.NextDoubleNormal.HasValue "a sine sample is cached after randn(1)"
            g.ManualSeed 11L |> ignore
            Expect.isTrue (not g.NextDoubleNormal.HasValue) "manual seed clears the cache"
            expectBits32 (Sampling.randn32 g 1) first "same first value after reseeding"

        testCase "SetState rejects a buffer of the wrong size" <| fun () ->
            let g = Generator(0UL)
            Expect.throwsT<ArgumentException> (fun () -> g.SetState(Array.zeroCreate 100)) "wrong size"

        testSequenced <| testCase "the default generator is one shared instance reseeded by Sampling.manualSeed" (fun () ->
            Expect.isTrue (obj.ReferenceEquals(Generator.Default, Generator.Default)) "single instance"
            Sampling.manualSeed 0L
            Expect.equal (Generator.Default.Next32()) 2357136044u "seed 0 first draw")
    ]
