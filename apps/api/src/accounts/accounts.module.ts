import { Module } from '@nestjs/common';
import { KeysController } from '../keys/keys.controller';
import { AccountController } from './account.controller';
import { AccountsService } from './accounts.service';

@Module({
  controllers: [AccountController, KeysController],
  providers: [AccountsService],
  exports: [AccountsService],
})
export class AccountsModule {}
