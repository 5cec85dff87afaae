/// Generators shared between threads (one lock per sampling operation) and generators owned by one thread
/// (exactly the single-thread numbers). Every check compares values, never timings: the barriers only make
/// overlap likely, and a correct implementation passes however the threads are scheduled.
module Random.ThreadTests

open System
open System.Collections.Concurrent
open System.Collections.Generic
open System.Threading
open Expecto
open Fluxion
open Fluxion.Nn
open Fluxion.Ops
open Fluxion.Random
open RandomTestUtil
open ThreadTestUtil

/// One thread's mixed workload on its own generator: tensors, permutations and layer initialisations.
let private workload (g: Generator) (round: int) : float32[] list =
    [ (RandomTensors.rand g [| 1000 |] Dtype.Float32).ToFloat32Array()
      (RandomTensors.randn g [| 257 |] Dtype.Float32).ToFloat32Array()
      (RandomTensors.randn g [| 5 |] Dtype.Float32).ToFloat32Array()
      (RandomTensors.randperm g 100).ToInt64Array() |> Array.map float32
      (RandomTensors.randint g 0L 1000L [| 20 |]).ToInt64Array() |> Array.map float32
      (RandomTensors.normal g [| 33 |] 1.0 2.0 Dtype.Float32).ToFloat32Array()
      (RandomTensors.uniform g [| 17 |] -3.0 3.0 Dtype.Float32).ToFloat32Array()
      (RandomTensors.rand g [| 19 |] Dtype.Float64).ToDoubleArray() |> Array.map float32
      let lin = Linear(32, 32, generator = g)
      yield! [ lin.Weight.Data.ToFloat32Array(); lin.Bias.Data.ToFloat32Array() ]
      let conv = Conv1d(4, 8, 3, generator = g)
      yield! [ conv.Weight.Data.ToFloat32Array(); conv.Bias.Data.ToFloat32Array() ]
      let rnn = RNN(3, 4, generator = g)
      yield! [ for kv in rnn.NamedParameters() -> kv.Value.Data.ToFloat32Array() ]
      let d = Dropout(0.5, generator = g)
      (d.Call(Tensor.ones [| 40 + round % 3 |])).ToFloat32Array() ]

let private nnJson = lazy (TestData.json "nn_torch.json")
let private hexes (e: Text.Json.JsonElement) = hex32 (e.GetProperty "hex")

[<Tests>]
let ownGenerators =
    testList "Random.Threads.OwnGenerators" [
        testCase "threads with their own seeded generators draw exactly the single-thread numbers (rand, randn, randperm, randint, normal, uniform, Linear/Conv1d/RNN init, Dropout)" <| fun () ->
            let rounds = 60
            let seeds = [| 0L; 1L; 42L |]
            let alone (seed: int64) = [ let g = Generator(seed) in for r in 0 .. rounds - 1 -> workload g r ]
            let expected = seeds |> Array.map alone
            let got =
                runThreads seeds.Length (fun i barrier ->
                    let g = Generator(seeds[i])
                    [ for r in 0 .. rounds - 1 do
                        barrier.SignalAndWait()
                        yield workload g r ])
            for i in 0 .. seeds.Length - 1 do
                List.iteri2 (fun r (a: float32[] list) (e: float32[] list) ->
                    List.iteri2 (fun k x y -> expectBits32 x y (sprintf "seed %d, round %d, result %d" seeds[i] r k)) a e) got[i] expected[i]
            // The single-thread numbers are PyTorch's: torch.manual_seed(0); torch.rand(3) -> 0.4963, 0.7682, 0.0885.
            let firstRand = List.head (List.head got[0])
            Expect.floatClose Accuracy.high (float firstRand[0]) 0.49625658988952637 "thread 0's first draw is torch.rand's"

        testCase "two threads sharing one explicit generator: every randn operation (scalar path with its cached sample, and vector path) is one whole block of the single-thread run" <| fun () ->
            let ops = 4000
            // Phase 1: randn(5) takes the scalar path, whose cached sine sample crosses operation boundaries; phase 2:
            // randn(257) takes the vector path with its redrawn tail. The barrier between phases orders them.
            let reference =
                let g = Generator(7L)
                Array.append (Array.init (2 * ops) (fun _ -> Sampling.randn32 g 5)) (Array.init (2 * ops) (fun _ -> Sampling.randn32 g 257))
            let shared = Generator(7L)
            let got =
                runThreads 2 (fun _ barrier ->
                    let phase n =
                        Array.init ops (fun j ->
                            if j % 500 = 0 then barrier.SignalAndWait()
                            (RandomTensors.randn shared [| n |] Dtype.Float32).ToFloat32Array())
                    let small = phase 5
                    barrier.SignalAndWait()
                    Array.append small (phase 257))
            expectWholeBlocks reference got

        testCase "Lock() holds the generator across operations: another thread's draw waits until it is released" <| fun () ->
            let g = Generator(3L)
            let reference = Generator(3L)
            let expected = Array.init 4 (fun _ -> reference.Next32())
            use ready = new ManualResetEventSlim(false)
            let first, middle, last, theirs =
                let scope = g.Lock()
                let other = Threading.Tasks.Task.Run(fun () -> ready.Set(); g.Next32())
                ready.Wait()
                // The other thread is now blocked on the lock or about to be: whatever it does, it draws after us.
                let a = g.Next32()
                let b = Sampling.rand32 g 1
                let c = g.Next32()
                scope.Dispose()
                a, b[0], c, other.Result
            Expect.equal first expected[0] "first draw under the lock"
            Expect.equal middle (float32 (expected[1] &&& 0xFFFFFFu) * 5.9604644775390625e-08f) "reentrant: a sampling call inside the scope takes the lock again"
            Expect.equal last expected[2] "third draw under the lock"
            Expect.equal theirs expected[3] "the waiting thread's draw comes after the locked block"

        testCase "layers built with generator = g draw PyTorch's golden parameters and masks (seed 0)" <| fun () ->
            let nn = nnJson.Value
            let c = nn.GetProperty "rnn"
            let rnn = RNN(3, 4, generator = Generator(c.GetProperty("seed").GetInt64()))
            for (kv: Collections.Generic.KeyValuePair<string, Parameter>), e in Seq.zip (rnn.NamedParameters()) [ for p in c.GetProperty("params").EnumerateObject() -> hexes p.Value ] do
                expectBits32 (kv.Value.Data.ToFloat32Array()) e kv.Key
            let conv = nn.GetProperty("conv1d")[0]
            let k = conv.GetProperty "kwargs"
            let m = Conv1d(3, k.GetProperty("out_channels").GetInt32(), k.GetProperty("kernel_size").GetInt32(), padding = k.GetProperty("padding").GetInt32(),
                           paddingMode = k.GetProperty("padding_mode").GetString(), generator = Generator(0L))
            expectBits32 (m.Weight.Data.ToFloat32Array()) (hexes (conv.GetProperty "weight")) "Conv1d weight"
            for d in nn.GetProperty("dropout_train_ones").EnumerateArray() do
                let g = Generator(d.GetProperty("seed").GetInt64())
                let drop = Dropout(d.GetProperty("p").GetDouble(), generator = g)
                expectBits32 ((drop.Call(Tensor.ones [| d.GetProperty("n").GetInt32() |])).ToFloat32Array()) (hexes (d.GetProperty "output")) "Dropout mask"
                expectBits32 ((RandomTensors.rand g [| 1 |] Dtype.Float32).ToFloat32Array()) (hexes (d.GetProperty "next_rand")) "the draw after the mask"

        testCase "a null generator is a clear ArgumentNullException" <| fun () ->
            let e = Expect.throwsC (fun () -> Sampling.rand32 null 3 |> ignore) id
            Expect.isTrue (e :? ArgumentNullException) (sprintf "ArgumentNullException, got %s" (e.GetType().Name))
            Expect.stringContains e.Message "Sampling.fillRand32: generator is null" "names the op"
    ]

// These reseed or draw from the process-wide default generator, so they run alone (after the parallel tests).
[<Tests>]
let defaultGenerator =
    testSequenced <| testList "Random.Threads.DefaultGenerator" [
        testCase "two threads each drawing rand(100) 20 000 times from the default generator finish, and the union is the single-thread sequence" <| fun () ->
            let ops = 20_000
            Tensor.manualSeed 2024L
            let reference = Array.init (2 * ops) (fun _ -> (Tensor.rand [| 100 |]).ToFloat32Array())
            Tensor.manualSeed 2024L
            let got =
                runThreads 2 (fun _ barrier ->
                    Array.init ops (fun j ->
                        if j % 1000 = 0 then barrier.SignalAndWait()
                        (Tensor.rand [| 100 |]).ToFloat32Array()))
            expectWholeBlocks reference got

        testCase "two threads building Linear(8, 8) from the default generator each get whole (weight, bias) pairs of the single-thread run" <| fun () ->
            let layers = 1000
            let init () = let l = Linear(8, 8) in Array.append (l.Weight.Data.ToFloat32Array()) (l.Bias.Data.ToFloat32Array())
            Tensor.manualSeed 5L
            let reference = Array.init (2 * layers) (fun _ -> init ())
            Tensor.manualSeed 5L
            let got =
                runThreads 2 (fun _ barrier ->
                    Array.init layers (fun j ->
                        if j % 100 = 0 then barrier.SignalAndWait()
                        init ()))
            expectWholeBlocks reference got

        testCase "seeding and drawing inside Generator.Default.Lock() gives each thread the seeded numbers" <| fun () ->
            let expected s = Generator(int64 s).ManualSeed(int64 s) |> fun g -> Sampling.randn32 g 40
            let got =
                runThreads 2 (fun i barrier ->
                    [ for r in 0 .. 299 do
                        if r % 50 = 0 then barrier.SignalAndWait()
                        let s = 2 * r + i
                        use _ = Generator.Default.Lock()
                        Tensor.manualSeed (int64 s)
                        yield s, (Tensor.randn [| 40 |]).ToFloat32Array() ])
            for t in got do
                for s, v in t do expectBits32 v (expected s) (sprintf "seed %d" s)

        testCase "the course data (seed 0, then draws) is the same when other threads draw from the default generator meanwhile" <| fun () ->
            let x0, y0 = Fluxion.Course.UnitData.trainingPairs ()
            let calls = 300
            let finished = ref 0
            let got =
                runThreads 2 (fun i barrier ->
                    barrier.SignalAndWait()
                    if i = 0 then
                        let r = Array.init calls (fun _ -> Fluxion.Course.UnitData.trainingPairs ())
                        Volatile.Write(&finished.contents, 1)
                        r
                    else
                        // Draws between the data's seed and its draws would shift the data without the lock.
                        while Volatile.Read(&finished.contents) = 0 do Tensor.rand [| 3 |] |> ignore
                        [||])
            Expect.equal got[0].Length calls "every call returned"
            for x, y in got[0] do
                expectBits32 x x0 "x"
                expectBits32 y y0 "y"

        testCase "layers built with generator = g equal layers built after ManualSeed on the default generator" <| fun () ->
            let pairs : (string * (Generator -> Module) * (unit -> Module)) list =
                [ "Linear(5, 3)", (fun g -> Linear(5, 3, generator = g)), (fun () -> Linear(5, 3))
                  "Linear(4, 2, bias=False)", (fun g -> Linear(4, 2, false, g)), (fun () -> Linear(4, 2, false))
                  "Conv1d(2, 4, 3, groups=2)", (fun g -> Conv1d(2, 4, 3, groups = 2, generator = g)), (fun () -> Conv1d(2, 4, 3, groups = 2))
                  "Conv1d(1, 2, 3, 'same')", (fun g -> Conv1d(1, 2, 3, "same", generator = g)), (fun () -> Conv1d(1, 2, 3, "same"))
                  "RNN(3, 5)", (fun g -> RNN(3, 5, generator = g)), (fun () -> RNN(3, 5))
                  "RNNCell(2, 3)", (fun g -> RNNCell(2, 3, generator = g)), (fun () -> RNNCell(2, 3))
                  "ofLayerWith (Linear 3 4 --> Linear 4 1)", (fun g -> Modules.ofLayerWith g (Layer.linear 3 4 --> Layer.relu --> Layer.linear 4 1)),
                      (fun () -> Modules.ofLayer (Layer.linear 3 4 --> Layer.relu --> Layer.linear 4 1)) ]
            for name, withGen, afterSeed in pairs do
                Tensor.manualSeed 9L
                let Default = afterSeed ()
                let after = (Tensor.rand [| 2 |]).ToFloat32Array()
                let g = Generator(9L)
                let own = withGen g
                let ps (m: Module) = m.NamedParameters() |> Array.map (fun kv -> kv.Key, kv.Value.Data.ToFloat32Array())
                Expect.equal (ps own |> Array.map fst) (ps Default |> Array.map fst) (name + ": names")
                for (n, a), (_, b) in Array.zip (ps own) (ps Default) do expectBits32 a b (name + " " + n)
                expectBits32 ((RandomTensors.rand g [| 2 |] Dtype.Float32).ToFloat32Array()) after (name + ": both generators are left at the same point")

        testCase "Dropout without a generator draws from the default one, with a generator only from that one" <| fun () ->
            Tensor.manualSeed 0L
            let before = Generator.Default.GetState()
            let g = Generator(0L)
            (Dropout(0.3, generator = g)).Call(Tensor.ones [| 12 |]) |> ignore
            Expect.equal (Generator.Default.GetState()) before "the default generator was not touched"
            let viaDefault = (Dropout(0.3)).Call(Tensor.ones [| 12 |])
            Expect.notEqual (Generator.Default.GetState()) before "the default generator drew the mask"
            let again = Generator(0L)
            let viaOwn = (Dropout(0.3, generator = again)).Call(Tensor.ones [| 12 |])
            expectBits32 (viaDefault.ToFloat32Array()) (viaOwn.ToFloat32Array()) "same seed, same mask"
    ]
