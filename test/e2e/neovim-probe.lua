-- Drives the shipped language server from headless Neovim (0.7 or newer) as a real LSP client, for
-- test/e2e/neovim.test.ts:
--   nvim --headless -u NONE -i NONE -n -c 'luafile neovim-probe.lua'
-- (`-l` means lisp mode in 0.7.) Inputs come from the environment: NETPOL_SERVER (dist/server.js),
-- NETPOL_ROOT (a copy of examples/), NETPOL_FILE (the file to open), NETPOL_OUT (the JSON to write).
-- It waits on conditions with vim.wait (which runs the event loop), never on sleeps.

local out_path = assert(os.getenv('NETPOL_OUT'), 'NETPOL_OUT')
local result = { steps = {} }

local function write_result()
  local file = assert(io.open(out_path, 'w'))
  file:write(vim.json.encode(result))
  file:close()
end

local function step(name)
  table.insert(result.steps, name)
end

local function probe()
  local server = assert(os.getenv('NETPOL_SERVER'), 'NETPOL_SERVER')
  local root = assert(os.getenv('NETPOL_ROOT'), 'NETPOL_ROOT')
  local path = assert(os.getenv('NETPOL_FILE'), 'NETPOL_FILE')
  local uri = vim.uri_from_fname(path)
  local workloads_uri = vim.uri_from_fname(root .. '/shop/workloads.yaml')
  local settings = { rules = { ['allow-all-rule'] = 'off' } }
  local published = {} -- uri -> raw LSP diagnostics of the last publish
  local publishes = 0

  local client_id = vim.lsp.start_client({
    name = 'netpol-scope',
    cmd = { 'node', server, '--stdio' },
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = 'examples' } },
    -- Neovim 0.7 does not announce workspace/configuration, so the server takes its settings from
    -- initializationOptions.settings (the `netpolScope` section); newer versions announce it, and the
    -- server then asks for the `netpolScope` section of `settings`. Both say the same here.
    init_options = { settings = settings },
    settings = { netpolScope = settings },
    handlers = {
      ['textDocument/publishDiagnostics'] = function(err, params, ctx, config)
        published[params.uri] = params.diagnostics
        publishes = publishes + 1
        return vim.lsp.handlers['textDocument/publishDiagnostics'](err, params, ctx, config)
      end,
    },
  })
  assert(client_id, 'vim.lsp.start_client failed')
  step('started')

  vim.cmd('edit ' .. vim.fn.fnameescape(path))
  local bufnr = vim.api.nvim_get_current_buf()
  -- No filetype detection with -u NONE.
  vim.bo[bufnr].filetype = 'yaml'
  assert(vim.lsp.buf_attach_client(bufnr, client_id), 'buf_attach_client failed')

  local function has_code(diagnostics, code, line)
    for _, d in ipairs(diagnostics or {}) do
      if d.code == code and (line == nil or d.range.start.line == line) then
        return d
      end
    end
    return nil
  end

  -- The server analyses the open file at once and the whole folder once indexed; it publishes every
  -- file of an analysis together, so workloads.yaml's findings mean policies.yaml's are complete.
  assert(
    vim.wait(30000, function()
      return has_code(published[workloads_uri], 'workload-not-isolated') ~= nil
        and has_code(published[uri], 'dns-egress-missing', 8) ~= nil
    end, 20),
    'no diagnostics for ' .. uri
  )
  local client = assert(vim.lsp.get_client_by_id(client_id))
  result.diagnostics = published[uri]
  -- What Neovim itself shows (vim.diagnostic), to prove the client side took them.
  result.nvim_diagnostics = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(result.nvim_diagnostics, { lnum = d.lnum, col = d.col, severity = d.severity, message = d.message })
  end
  step('diagnostics')

  local hover = client.request_sync('textDocument/hover', {
    textDocument = { uri = uri },
    position = { line = 7, character = 4 },
  }, 10000, bufnr)
  assert(hover and hover.result, 'no hover: ' .. vim.inspect(hover))
  result.hover = hover.result.contents
  step('hover')

  local dns = has_code(published[uri], 'dns-egress-missing', 8)
  local actions = client.request_sync('textDocument/codeAction', {
    textDocument = { uri = uri },
    range = dns.range,
    context = { diagnostics = { dns } },
  }, 10000, bufnr)
  assert(actions and actions.result, 'no code actions: ' .. vim.inspect(actions))
  result.actions = {}
  local fix
  for _, action in ipairs(actions.result) do
    table.insert(result.actions, { title = action.title, kind = action.kind, isPreferred = action.isPreferred })
    if action.isPreferred and action.edit then
      fix = action
    end
  end
  step('code actions')

  -- Apply the preferred fix as Neovim does, and wait for the server to drop the warning.
  assert(fix, 'no preferred quick fix')
  local before = publishes
  vim.lsp.util.apply_workspace_edit(fix.edit, client.offset_encoding or 'utf-16')
  assert(
    vim.wait(30000, function()
      return publishes > before and has_code(published[uri], 'dns-egress-missing', 8) == nil
    end, 20),
    'the warning did not go after applying ' .. fix.title
  )
  result.applied = fix.title
  result.after = published[uri]
  result.buffer = table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, 30, false), '\n')
  step('fix applied')

  vim.lsp.stop_client(client_id)
  vim.wait(5000, function()
    return vim.lsp.client_is_stopped(client_id)
  end, 20)
  step('stopped')
end

local ok, err = pcall(probe)
if not ok then
  result.error = tostring(err)
end
write_result()
vim.cmd('qall!')
