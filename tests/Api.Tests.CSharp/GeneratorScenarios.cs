using Fluxion;
using Fluxion.CSharp;
using Fluxion.Random;

namespace ApiScenarios;

/// <summary>Random-number scenarios in plain C#: explicit generators, the shared default generator and threads.</summary>
public static class GeneratorScenarios
{
    /// <summary>PyTorch: g = torch.Generator(); g.manual_seed(42); rand(3), randn(3), randperm(6) from g; then
    /// g.manual_seed(42); randint(0, 10, (5,)) from g.</summary>
    public static (float[] Rand, float[] Randn, long[] Perm, long[] Ints, ulong Seed) SeededDraws()
    {
        var g = Torch.Generator().ManualSeed(42);
        var rand = Torch.Rand(new[] { 3 }, generator: g).ToFloat32Array();
        var randn = Torch.Randn(new[] { 3 }, generator: g).ToFloat32Array();
        var perm = Torch.RandPerm(6, g).ToInt64Array();
        var ints = Torch.RandInt(0, 10, new[] { 5 }, g.ManualSeed(42)).ToInt64Array();
        return (rand, randn, perm, ints, g.InitialSeed);
    }

    /// <summary>One round of a thread's work on its own generator: tensors, a permutation, layer and init draws, a dropout mask.</summary>
    public static float[][] Workload(Generator g)
    {
        var linear = Nn.Linear(32, 32, generator: g);
        var conv = Nn.Conv1d(4, 8, 3, generator: g);
        var rnn = Nn.RNN(3, 4, generator: g);
        var dropout = Nn.Dropout(0.5, generator: g);
        var w = Torch.Zeros(6, 5);
        Init.KaimingUniform_(w, generator: g);
        return new[]
        {
            Torch.Rand(new[] { 1000 }, generator: g).ToFloat32Array(),
            Torch.Randn(new[] { 257 }, generator: g).ToFloat32Array(),
            Torch.Randn(new[] { 5 }, generator: g).ToFloat32Array(),
            Torch.RandPerm(100, g).ToInt64Array().Select(v => (float)v).ToArray(),
            Torch.Normal(1.0, 2.0, new[] { 33 }, generator: g).ToFloat32Array(),
            Torch.Uniform(new[] { 17 }, -3.0, 3.0, generator: g).ToFloat32Array(),
            linear.Weight.Data.ToFloat32Array(), linear.Bias.Data.ToFloat32Array(),
            conv.Weight.Data.ToFloat32Array(), conv.Bias.Data.ToFloat32Array(),
            rnn.Parameters()[0].Data.ToFloat32Array(), rnn.Parameters()[3].Data.ToFloat32Array(),
            w.ToFloat32Array(),
            dropout.Call(Torch.Ones(40)).ToFloat32Array(),
        };
    }

    /// <summary>Each thread seeds its own generator and runs <see cref="Workload"/> for the given rounds, all threads
    /// stepping through a barrier every round; result[thread][round] is that round's output.</summary>
    public static float[][][][] OwnGeneratorsOnThreads(long[] seeds, int rounds) =>
        RunThreads(seeds.Length, (t, barrier) =>
        {
            var g = new Generator(seeds[t]);
            var mine = new float[rounds][][];
            for (int r = 0; r < rounds; r++)
            {
                barrier.SignalAndWait();
                mine[r] = Workload(g);
            }
            return mine;
        });

    /// <summary>Seeds the default generator, then threads each call <c>Torch.Rand(100)</c> opsPerThread times on it.</summary>
    public static float[][][] DefaultRandOnThreads(int threads, int opsPerThread, long seed)
    {
        Torch.ManualSeed(seed);
        return RunThreads(threads, (_, barrier) =>
        {
            var mine = new float[opsPerThread][];
            for (int j = 0; j < opsPerThread; j++)
            {
                if (j % 1000 == 0) barrier.SignalAndWait();
                mine[j] = Torch.Rand(100).ToFloat32Array();
            }
            return mine;
        });
    }

    /// <summary>The single-thread reference: seeds the default generator and calls <c>Torch.Rand(100)</c> ops times.</summary>
    public static float[][] DefaultRandAlone(int ops, long seed)
    {
        Torch.ManualSeed(seed);
        return Enumerable.Range(0, ops).Select(_ => Torch.Rand(100).ToFloat32Array()).ToArray();
    }

    /// <summary>Parameters of layers built with <c>generator: new Generator(seed)</c> and of the same layers built after
    /// <c>Torch.ManualSeed(seed)</c>, as (name, with generator, after seeding) triples.</summary>
    public static (string Name, float[] WithGenerator, float[] AfterSeed)[] LayersBothWays(long seed)
    {
        static float[][] Params(Fluxion.Nn.Module m) => m.Parameters().Select(p => p.Data.ToFloat32Array()).ToArray();
        var builders = new (string Name, Func<Generator?, Fluxion.Nn.Module> Build)[]
        {
            ("Linear(5, 3)", g => Nn.Linear(5, 3, generator: g)),
            ("Linear(4, 2, bias: false)", g => Nn.Linear(4, 2, bias: false, generator: g)),
            ("Conv1d(2, 4, 3, groups: 2)", g => Nn.Conv1d(2, 4, 3, groups: 2, generator: g)),
            ("RNNCell(2, 3)", g => Nn.RNNCell(2, 3, generator: g)),
            ("RNN(3, 5)", g => Nn.RNN(3, 5, generator: g)),
        };
        var result = new List<(string, float[], float[])>();
        foreach (var (name, build) in builders)
        {
            var own = Params(build(new Generator(seed)));
            Torch.ManualSeed(seed);
            var viaDefault = Params(build(null));
            for (int i = 0; i < own.Length; i++) result.Add(($"{name} parameter {i}", own[i], viaDefault[i]));
        }
        return result.ToArray();
    }

    // Threads that fail leave the barrier, so the others finish and the first error is rethrown here.
    private static T[] RunThreads<T>(int n, Func<int, Barrier, T> work)
    {
        using var barrier = new Barrier(n);
        var results = new T[n];
        var errors = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        var threads = Enumerable.Range(0, n).Select(t => new Thread(() =>
        {
            try { results[t] = work(t, barrier); }
            catch (Exception e) { errors.Enqueue(e); barrier.RemoveParticipant(); }
        }) { IsBackground = true }).ToArray();
        foreach (var t in threads) t.Start();
        foreach (var t in threads)
            if (!t.Join(TimeSpan.FromMinutes(5))) throw new TimeoutException("a drawing thread did not finish (deadlock?)");
        if (errors.TryPeek(out var error)) throw new AggregateException("a drawing thread failed", error);
        return results;
    }
}
