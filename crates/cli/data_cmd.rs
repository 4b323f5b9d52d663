//! `rotor data synth|import|inspect`.

use rotor_data::{csv_import, inspect, synth};

use rotor_app::out_dir::OutDir;
use rotor_app::{bad, data_error};

use crate::args::DataCommand;
use crate::progress::Stderr;

/// Dispatches a data subcommand.
pub fn run(cmd: &DataCommand) -> anyhow::Result<()> {
    match cmd {
        DataCommand::Synth { seed, out, force } => {
            let dir = OutDir::open_data(out, &Stderr::new(false))?;
            let bars = out.join("bars");
            let occupied = bars.exists()
                && std::fs::read_dir(&bars)
                    .map(|mut d| d.next().is_some())
                    .unwrap_or(true);
            if (occupied || out.join("events.csv").exists()) && !force {
                return Err(anyhow::Error::new(bad(format!(
                    "{}: already holds bars/ or events.csv (use --force to overwrite)",
                    out.display()
                ))));
            }
            let summary = synth::write(*seed, out).map_err(bad)?;
            dir.done();
            crate::stdout::print(&format!(
                "wrote {} symbols x {} sessions ({}..{}) and {} events to {} (seed {})\n",
                summary.symbols,
                summary.sessions,
                summary.first,
                summary.last,
                summary.events,
                out.display(),
                summary.seed
            ))
        }
        DataCommand::Import { files, out, force } => {
            csv_import::check_distinct_symbols(files).map_err(bad)?;
            csv_import::check_outputs_free(files, out, *force).map_err(bad)?;
            let dir = OutDir::open_data(out, &Stderr::new(false))?;
            for file in files {
                let s = csv_import::import_csv(file, out).map_err(bad)?;
                crate::stdout::print(&format!(
                    "{}: {} rows {}..{} -> {}{}\n",
                    s.symbol,
                    s.rows,
                    s.first,
                    s.last,
                    s.output.display(),
                    if s.skipped > 0 {
                        format!(" ({} null rows skipped)", s.skipped)
                    } else {
                        String::new()
                    }
                ))?;
                if s.adj_as_close {
                    eprintln!(
                        "warning: {}: only adjusted closes: imported as a close-only series \
                         (open = high = low = close is assumed when it is loaded)",
                        file.display()
                    );
                }
            }
            dir.done();
            Ok(())
        }
        DataCommand::Inspect { path } => {
            let report = inspect::inspect(path).map_err(data_error)?;
            crate::stdout::print(&report.to_string())
        }
    }
}
