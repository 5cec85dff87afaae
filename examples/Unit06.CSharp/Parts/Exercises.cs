using Fluxion;
using Fluxion.Course;
using Fluxion.CSharp;
using Fluxion.Nn;
using Fluxion.Optim;

namespace Unit06;

/// <summary>Exercise 1: smoothing and edge detection with fixed kernels (flipped: true convolution).</summary>
public static class Exercise1
{
    public static void Run(Notebook nb)
    {
        nb.Section("Exercise 1: convolution for smoothing and edge detection");
        double[] x = [1, 1, 0, 1, 1, 0, 8, 9, 7, 7, 6, 5, 4];
        double[] hAvg = [1.0 / 3, 1.0 / 3, 1.0 / 3];
        double[] hEdge = [1, 0, -1];
        var xPt = Torch.Tensor(x).View(1, 1, -1);
        var hAvgPt = Torch.Tensor(hAvg).View(1, 1, -1);
        var hEdgePt = Torch.Tensor(hEdge).View(1, 1, -1);
        var xSmooth = F.Conv1d(xPt, hAvgPt.Flip(-1), padding: "same").Squeeze();
        var xEdges = F.Conv1d(xPt, hEdgePt.Flip(-1), padding: "same").Squeeze();
        double[] Wide(Tensor t) => t.ToArray().Select(v => (double)v).ToArray();
        nb.Show(() => SignalPlots.IndexedSignals("Convolution: Smoothing and Edge Detection", new[]
        {
            ("Original", "black", x), ("Smoothing", "darkturquoise", Wide(xSmooth)), ("Edge detection", "red", Wide(xEdges)),
        }));
        nb.Print("* Smoothing reduces sharp transitions by averaging neighbors.");
        nb.Print("* The edge detector reacts to abrupt changes");
        nb.Print("  (e.g., when the signal rises from 0 to 8).");
        nb.Print("* Zero-padding can cause edge boundary artifacts");
        nb.Print("  (e.g., spurious negative values at the end).");
    }
}

/// <summary>Exercise 2: output shapes and parameter counts of Conv1d layers.</summary>
public static class Exercise2
{
    public static void Run(Notebook nb)
    {
        nb.Section("Exercise 2: key parameters of nn.Conv1d");
        int B = 3, C = 2, T = 15;
        var x = Torch.Randn(B, C, T);
        nb.Print($"Input shape: {x.Shape}\n");
        var layers = new[]
        {
            new Conv1d(inChannels: C, outChannels: 3, kernelSize: 5, stride: 1, padding: 0, bias: false),
            new Conv1d(inChannels: C, outChannels: 3, kernelSize: 5, stride: 1, padding: 0),
            new Conv1d(inChannels: C, outChannels: 3, kernelSize: 5, stride: 3, padding: 2),
            new Conv1d(inChannels: C, outChannels: 7, kernelSize: 5, stride: 1, padding: 2, dilation: 3),
        };
        int idx = 1;
        foreach (var conv in layers)
        {
            var y = conv.Call(x);
            long numWeights = conv.Weight.Numel;
            long numBiases = conv.Bias is null ? 0 : conv.Bias.Numel;
            nb.Print($"Layer {idx++}: {conv}");
            nb.Print($"  Output shape: {y.Shape}");
            nb.Print($"  Weights shape: {conv.Weight.Shape} -> total: {numWeights}");
            nb.Print($"  Bias shape: {(conv.Bias is null ? "None" : conv.Bias.Shape.ToString())} -> total: {numBiases}");
            nb.Print($"  Total parameters: {numWeights + numBiases}\n");
        }
        var convStrideKernel = new Conv1d(inChannels: C, outChannels: 3, kernelSize: 3, stride: 5);
        var yStrideKernel = convStrideKernel.Call(x);
        nb.Print("Case: stride > kernel_size:");
        nb.Print($"Layer 5: {convStrideKernel}");
        nb.Print($"  Output shape: {yStrideKernel.Shape}\n");
        nb.Print("Note: When stride > kernel_size, the convolution kernel spans a small window\n" +
                 "(e.g., 3 values) but advances by a larger step (e.g., 5).");
        nb.Print("As a result, parts of the input are skipped entirely and do not influence\n" +
                 "the output. This can lead to a loss of fine signal details, reducing\n" +
                 "temporal resolution and potentially degrading model performance.");
    }
}

/// <summary>Exercise 3: a bias-free Conv1d learns to keep the high-frequency sinusoid of low + high + noise.</summary>
public static class Exercise3
{
    /// <summary>Replays NumPy's draws of cells 22–30 (the exercise's data continue NumPy's global stream).</summary>
    public static void Prepare() => Denoising.Replay();

    private static double[] Wide(Tensor t) => t.Detach().Flatten().ToArray().Select(v => (double)v).ToArray();

    public static void Run(Notebook nb)
    {
        nb.Section("Exercise 3: learning to separate low- and high-frequency components");
        var (t, x, y) = Unit06Datasets.SineSuperposition(256, 1000);
        nb.Show(() => SignalPlots.PairsGrid("First 24 Training Pairs", 4, 6, t, x, y));
        var xTensor = Torch.Tensor(x).Unsqueeze(1);
        var yTensor = Torch.Tensor(y).Unsqueeze(1);
        var dataset = new SineWaveDataset(xTensor, yTensor);
        var dataloader = new DataLoader(dataset, batchSize: 32, shuffle: true);
        Torch.ManualSeed(0);
        var model = new LearnableHighpass(kernelSize: 21);
        var criterion = Nn.MSELoss();
        var optimizer = new SGD(model.Parameters(), lr: 0.01);
        int nEpochs = 50;
        var epochLosses = new double[nEpochs];
        using var progress = TrainingBar.Start("ex3: learnable high-pass", nEpochs);
        for (int epoch = 0; epoch < nEpochs; epoch++)
        {
            double totalLoss = 0.0;
            foreach (var (xBatch, yBatch) in dataloader)
            {
                optimizer.ZeroGrad();
                var loss = criterion.Invoke(model.Call(xBatch), yBatch);
                loss.Backward();
                optimizer.Step();
                totalLoss += loss.Item();
            }
            epochLosses[epoch] = totalLoss / dataloader.Count;
            progress.Report(epoch + 1, epochLosses[epoch]);
            if (epoch == 0 || (epoch + 1) % 10 == 0)
                nb.Print($"Epoch {epoch + 1,2}/50 | Avg. Loss: {totalLoss / dataloader.Count:F6}");
        }
        progress.Complete();
        nb.Show(() => Plots.LossCurves(new[] { ("average loss per epoch (high-pass)", epochLosses) }));
        var kernelWeights = Wide(model.Conv.Weight.Data);
        nb.Show(() => SignalPlots.KernelStem(kernelWeights));
        var (tTest, xTest, yTest) = Unit06Datasets.SineSuperposition(256, 7);
        var yPred = model.Call(Torch.Tensor(xTest).Unsqueeze(1)).Detach().Squeeze();
        var predRows = Enumerable.Range(0, 7).Select(i => Wide(yPred[i])).ToArray();
        int n = 6;
        nb.Show(() => SignalPlots.Denoise(tTest, xTest[n], yTest[n], predRows[n]));
        nb.Show(() => SignalPlots.PairsGrid("Six Further Examples", 2, 3, tTest, xTest, yTest, predRows));
    }
}
