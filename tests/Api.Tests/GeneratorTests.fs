/// Generators through the C# facade: the scenarios are C# code (tests/Api.Tests.CSharp) written as a user
/// writes it; these tests check their results against PyTorch and against single-thread runs.
module GeneratorTests

open System
open Expecto
open ApiScenarios
open ThreadTestUtil

let private bitsOf (a: float32[]) = Array.map BitConverter.SingleToInt32Bits a

[<Tests>]
let ownGenerators =
    testList "Api.Generator" [
        testCase "Torch.Generator().ManualSeed(42) draws what torch.Generator().manual_seed(42) draws" <| fun () ->
            let struct (rand, randn, perm, ints, seed) = GeneratorScenarios.SeededDraws()
            // /usr/bin/python3 with torch 1.13: g = torch.Generator(); g.manual_seed(42); torch.rand(3, generator=g), ...
            Expect.equal rand [| 0.8822692632675171f; 0.9150039553642273f; 0.38286375999450684f |] "rand(3, generator=g)"
            Expect.equal randn [| -0.829319179058075f; -1.6137069463729858f; -0.21470452845096588f |] "randn(3, generator=g)"
            Expect.equal perm [| 4L; 1L; 0L; 3L; 2L; 5L |] "randperm(6, generator=g)"
            Expect.equal ints [| 2L; 7L; 6L; 4L; 6L |] "randint(0, 10, (5,), generator=g) after reseeding"
            Expect.equal seed 42UL "initial_seed"

        testCase "C# threads with their own generators get exactly the single-thread numbers (rand, randn, randperm, normal, uniform, Linear/Conv1d/RNN init, kaiming_uniform_, dropout)" <| fun () ->
            let seeds = [| 0L; 7L; 123L |]
            let rounds = 40
            let got = GeneratorScenarios.OwnGeneratorsOnThreads(seeds, rounds)
            for t in 0 .. seeds.Length - 1 do
                let g = Fluxion.Random.Generator(seeds[t])
                for r in 0 .. rounds - 1 do
                    let expected = GeneratorScenarios.Workload g
                    let actual = got[t][r]
                    Expect.equal actual.Length expected.Length "results per round"
                    for k in 0 .. expected.Length - 1 do
                        Expect.equal (bitsOf actual[k]) (bitsOf expected[k]) (sprintf "seed %d, round %d, result %d" seeds[t] r k)
    ]

// These seed or draw from the process-wide default generator, so they run alone (after the parallel tests).
[<Tests>]
let defaultGenerator =
    testSequenced <| testList "Api.Generator.Default" [
        testCase "two C# threads each calling Torch.Rand(100) 20 000 times finish, and the union of draws is the single-thread sequence" <| fun () ->
            let reference = GeneratorScenarios.DefaultRandAlone(40_000, 11L)
            let got = GeneratorScenarios.DefaultRandOnThreads(2, 20_000, 11L)
            expectWholeBlocks reference got

        testCase "Nn layers built with generator: equal the layers built after Torch.ManualSeed" <| fun () ->
            let pairs = GeneratorScenarios.LayersBothWays(3L)
            Expect.isGreaterThanOrEqual pairs.Length 12 "every parameter of the five layers"
            for struct (name, own, viaDefault) in pairs do
                Expect.equal (bitsOf own) (bitsOf viaDefault) name
    ]
