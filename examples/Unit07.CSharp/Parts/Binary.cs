using Fluxion;
using Fluxion.CSharp;
using Fluxion.Optim;

namespace Unit07;

/// <summary>Cells 6–10: noisy sine (class 0) and square (class 1) waves, a small CNN trained with BCEWithLogitsLoss.</summary>
public static class Binary
{
    /// <summary>Cell 6's signals and metadata rows [prototype, frequency, phase, noise_std] (NumPy seed 0).</summary>
    public static double[][] X { get; private set; } = null!;
    public static double[][] Y { get; private set; } = null!;

    /// <summary>Cell 6's generate_waveform: frequency in [1, 13] Hz, phase in [0, 1], noise std in [0, 1], sine or square.</summary>
    public static (double[] T, double[][] X, double[][] Y) GenerateWaveform(int lengthSignal = 256, int numSamples = 1000)
    {
        var r = NumPy.Random;
        var t = NumPy.Linspace(0, 1, lengthSignal);
        var xs = new double[numSamples][];
        var ys = new double[numSamples][];
        for (int n = 0; n < numSamples; n++)
        {
            double freq = r.Uniform(1, 13);
            double phase = r.Uniform(0, 1);
            double noiseStd = r.Uniform(0, 1);
            long prototype = r.Randint(0, 2);
            var signal = t.Select(ti => Math.Sin(2 * Math.PI * (freq * ti - phase))).ToArray();
            if (prototype == 1) signal = signal.Select(v => (double)Math.Sign(v)).ToArray();  // square wave
            var noise = r.Normal(0.0, noiseStd, lengthSignal);
            xs[n] = signal.Select((v, i) => v + noise[i]).ToArray();
            ys[n] = [prototype, freq, phase, noiseStd];
        }
        return (t, xs, ys);
    }

    /// <summary>Cell 6's draws without the rest (for parts run alone).</summary>
    public static void Prepare()
    {
        NumPy.Random.Seed(0);
        (_, X, Y) = GenerateWaveform();
    }

    public static Tensor Labels(double[][] y, int column) => Torch.Tensor(y.Select(row => row[column]).ToArray());

    public static void Run(Notebook nb)
    {
        nb.Section("Example: classifying sine and square waves");
        NumPy.Random.Seed(0);
        (var t, X, Y) = GenerateWaveform();
        nb.Show(() => ClassPlots.Pairs24(t, X, Y));
        var xTensor = Torch.Tensor(X).Unsqueeze(1);   // (N, 1, T)
        var yTensor = Labels(Y, 0);                   // (N,)
        var dataset = new WaveformDataset(xTensor, yTensor);
        var dataloader = new DataLoader(dataset, batchSize: 32, shuffle: true);

        nb.Section("Binary classification using PyTorch");
        Torch.ManualSeed(0);
        var model = new SmallCNN();
        var criterion = Nn.BCEWithLogitsLoss();
        var optimizer = new Adam(model.Parameters(), lr: 0.05);
        nb.Print(Nn.Summary(model, [32, 1, 256], colWidth: 20));
        int nEpochs = 10;
        var losses = new double[nEpochs];
        using var progress = TrainingBar.Start("binary: SmallCNN", nEpochs);
        for (int epoch = 0; epoch < nEpochs; epoch++)
        {
            double totalLoss = 0;
            double correct = 0;
            int total = 0;
            foreach (var (xBatch, yBatch) in dataloader)
            {
                var logits = model.Call(xBatch).View(-1);   // (B, 1) -> (B,) to match y_batch
                var loss = criterion.Invoke(logits, yBatch);
                optimizer.ZeroGrad();
                loss.Backward();
                optimizer.Step();
                totalLoss += loss.Item();
                var probs = logits.Sigmoid();
                var preds = (probs > 0.5).Float();
                correct += preds.Eq(yBatch).Sum().Item();
                total += yBatch.Size(0);
            }
            double acc = 100 * correct / total;
            losses[epoch] = totalLoss;
            progress.Report(epoch + 1, totalLoss);
            nb.Print($"Epoch {epoch + 1,2}/{nEpochs} | Loss: {totalLoss,7:F4} | Accuracy: {acc:F2}%");
        }
        progress.Complete();
        nb.Show(() => Plots.LossCurves(new[] { ("SmallCNN: summed BCE loss per epoch", losses) }));

        NumPy.Random.Seed(10);
        var (_, xTest, yTest) = GenerateWaveform();
        var xTestTensor = Torch.Tensor(xTest).Unsqueeze(1);
        var yTestTensor = Labels(yTest, 0);
        model.Eval();
        double accuracy;
        using (Torch.NoGrad())
        {
            var logits = model.Call(xTestTensor).View(-1);
            var probs = logits.Sigmoid();
            var preds = (probs > 0.5).Float();
            double correct = preds.Eq(yTestTensor).Sum().Item();
            accuracy = correct / yTestTensor.Size(0);
        }
        nb.Print($"Test Accuracy: {accuracy * 100:F2}%");
    }
}

/// <summary>Cell 12: SmallCNN written with nn.Sequential.</summary>
public static class SequentialPart
{
    public static void Run(Notebook nb)
    {
        nb.Section("Defining compact models with sequential layers");
        Torch.ManualSeed(0);
        var model = new SmallCNN_Sequential();
        nb.Print("Layer-wise structure as stored in model.model:");
        for (int i = 0; i < model.Model.Count; i++)
            nb.Print($"model.model[{i}]: {model.Model[i]}");
        nb.Print(Nn.Summary(model, [32, 1, 256], colWidth: 20));
    }
}
